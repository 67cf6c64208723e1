// The tags Shopify would not take (tag_refusals from /api/activity), in the merchant's words.
// Shopify allows at most 250 tags per customer and 255 characters per tag.

export const TAG_SHOWN_MAX = 60; // characters of a tag shown in the table; the rest in its title

function plural(count, one, many) {
  return `${Number(count).toLocaleString()} ${count === 1 ? one : many}`;
}

export function refusalsSummary({ customers, tags }) {
  return `${plural(tags, "tag", "tags")} on ${plural(customers, "customer", "customers")}`;
}

// "Showing the latest 50 of 80" when the API cut the list short, else null.
export function shownNote({ tags, recent }) {
  return recent.length < tags ? `Showing the latest ${recent.length.toLocaleString()} of ${tags.toLocaleString()}.` : null;
}

const REASONS = [
  [/already has (\d+) tags/i, (n) => `The customer already has ${n} tags, Shopify's limit`],
  [/longer than (\d+) characters/i, (n) => `The tag is longer than Shopify's ${n} characters`],
];

export function refusalReason(reason) {
  if (!reason) return "Shopify gave no reason";
  for (const [pattern, words] of REASONS) {
    const match = pattern.exec(reason);
    if (match) return words(match[1]);
  }
  return reason.charAt(0).toUpperCase() + reason.slice(1); // Shopify's own message
}

export function shortTag(tag, max = TAG_SHOWN_MAX) {
  if (!tag) return "—";
  return tag.length > max ? `${tag.slice(0, max - 1)}…` : tag;
}

export function refusalCustomer(row) {
  return row.customer_name || `Customer ${row.customer_id}`;
}

// A finished push's outcome (the job's `outcome`: tag_changes, refused, ...) in a line, or null.
export function pushOutcomeText(outcome) {
  if (!outcome || typeof outcome.tag_changes !== "number") return null;
  const parts = [`${plural(outcome.tag_changes, "tag change", "tag changes")}`];
  if (outcome.refused) parts.push(`${plural(outcome.refused, "tag", "tags")} refused by Shopify`);
  return parts.join(", ");
}
