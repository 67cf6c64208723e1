// Words for a segment's push state. The tag shown is always the `tag` the API returns (the
// server decides prefixes), never one built here.

export function pushStateText(segment) {
  return segment.push_tag
    ? `Members carry the tag ${segment.tag} in Shopify. Orbit adds it when a customer joins and removes it when they leave.`
    : `Orbit keeps this segment up to date here only. Turn push on to tag its members in Shopify as ${segment.tag}.`;
}

export function pushSavedMessage(segment) {
  return segment.push_tag ? `Pushing ${segment.tag} to Shopify` : `Stopped pushing ${segment.tag}`;
}

export function pushFailedTitle(wanted) {
  return wanted ? "Orbit could not turn push on" : "Orbit could not turn push off";
}
