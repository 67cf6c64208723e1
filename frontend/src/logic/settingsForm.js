// The settings form's rules, mirroring app/dashboards/settings_rules.py: errors are keyed like
// the API's ("tag_prefix", "store_locations.0.latitude"), so server and client errors show alike.

export const TAG_PREFIX_MAX = 40;
export const MAX_LOCATIONS = 50;

// `shopifySegments` stays undefined when the API does not offer the setting, and is then not sent.
export function formFromSettings(settings) {
  return {
    tagPrefix: settings.tag_prefix,
    shopifySegments: typeof settings.shopify_segments === "boolean" ? settings.shopify_segments : undefined,
    localRadiusKm: String(settings.local_radius_km),
    locations: settings.store_locations.map((l) => ({
      name: l.name,
      latitude: String(l.latitude),
      longitude: String(l.longitude),
    })),
  };
}

function numberIn(text, low, high) {
  const trimmed = String(text).trim();
  if (trimmed === "" || !/^-?\d+(\.\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= low && value <= high ? value : null;
}

export function tagPrefixError(prefix) {
  if (!prefix.trim()) return "Enter a prefix, such as orbit:";
  if (prefix !== prefix.trim()) return "Remove the spaces at the start or end.";
  if (prefix.length > TAG_PREFIX_MAX) return `Keep it to ${TAG_PREFIX_MAX} characters or fewer.`;
  if (prefix.includes(",")) return "Shopify separates tags with commas, so a prefix cannot contain one.";
  return null;
}

export function validateSettings(form) {
  const errors = {};
  const prefixError = tagPrefixError(form.tagPrefix);
  if (prefixError) errors.tag_prefix = prefixError;
  const radius = numberIn(form.localRadiusKm, 0, 1000);
  if (radius === null || radius === 0) errors.local_radius_km = "Enter a distance in kilometres from 0 to 1,000.";
  if (form.locations.length > MAX_LOCATIONS) errors.store_locations = `Add at most ${MAX_LOCATIONS} locations.`;
  form.locations.forEach((location, index) => {
    if (!location.name.trim() || location.name.length > 100)
      errors[`store_locations.${index}.name`] = "Give the location a name.";
    if (numberIn(location.latitude, -90, 90) === null)
      errors[`store_locations.${index}.latitude`] = "Latitude is a number from -90 to 90.";
    if (numberIn(location.longitude, -180, 180) === null)
      errors[`store_locations.${index}.longitude`] = "Longitude is a number from -180 to 180.";
  });
  return errors;
}

export function settingsPayload(form) {
  return {
    tag_prefix: form.tagPrefix,
    ...(form.shopifySegments === undefined ? {} : { shopify_segments: form.shopifySegments }),
    local_radius_km: Number(form.localRadiusKm),
    store_locations: form.locations.map((l) => ({
      name: l.name.trim(),
      latitude: Number(l.latitude),
      longitude: Number(l.longitude),
    })),
  };
}

export function isDirty(form, saved) {
  return JSON.stringify(settingsPayload(form)) !== JSON.stringify(settingsPayload(saved));
}

// What a tag looks like in Shopify with this prefix, for the preview under the field.
export function tagPreview(prefix, segment = "vip") {
  return `${prefix}${segment}`;
}
