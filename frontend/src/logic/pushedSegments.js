// Words and state for the Settings page's list of segments and whether each pushes its tag.
// Tags are always the `tag` the API answers (the server owns the prefix), never built here.

// The list as loaded, with the segments saved since (a toggle answers the saved segment) in place.
export function withSaved(segments, savedById) {
  return segments.map((segment) => (savedById[segment.id] ? { ...segment, ...savedById[segment.id] } : segment));
}

export function pushSummary(segments) {
  const pushed = segments.filter((s) => s.push_tag).length;
  if (pushed === 0) return "No segment is pushed: Orbit tags no customer in Shopify.";
  const of = `${pushed} of ${segments.length} ${segments.length === 1 ? "segment" : "segments"}`;
  return `${of} tag their members in Shopify.`;
}

export function pushToggleLabel(segment) {
  return `Push ${segment.name} to Shopify`;
}

export function pushRowFailureTitle(segment, wanted) {
  return `Orbit could not turn push ${wanted ? "on" : "off"} for ${segment.name}`;
}

export function segmentKind(segment) {
  return segment.builtin ? "Built-in" : "Custom";
}

// The settings form's Shopify-segments switch, in words that follow its state.
export function shopifySegmentsHelp(on) {
  return on
    ? "Each pushed segment has a Shopify segment of the same name (customers with its tag), kept in step as segments are pushed, renamed or deleted."
    : "Turn on to also keep a Shopify segment for each pushed segment, so you can use it in Shopify Email, discounts and the customer list.";
}
