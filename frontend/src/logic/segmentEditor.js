// The custom-segment editor's logic: where an error sits in the definition, and whether the
// form can be saved. The parser lives on the server; this only places its answer.

export const NAME_MAX = 120;

// 0-based character offset -> 1-based line and column, plus the line's text and a caret
// under the offending character, for showing the error where it is.
export function locate(definition, position) {
  const offset = Math.max(0, Math.min(position ?? 0, definition.length));
  const before = definition.slice(0, offset);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const lineEnd = definition.indexOf("\n", offset);
  const text = definition.slice(lineStart, lineEnd === -1 ? definition.length : lineEnd);
  const column = offset - lineStart + 1;
  return { line, column, text, caret: " ".repeat(column - 1) + "^" };
}

// The preview's answer turned into what the editor shows.
export function previewState(definition, answer) {
  if (!definition.trim()) return { status: "empty" };
  if (answer.error) {
    const where = answer.error.position === undefined || answer.error.position === null
      ? null
      : locate(definition, answer.error.position);
    return { status: "invalid", message: answer.error.message, where };
  }
  return { status: "valid", count: answer.count, sample: answer.sample ?? [] };
}

export function formErrors({ name, definition }, preview) {
  const errors = {};
  if (!name.trim()) errors.name = "Name the segment.";
  else if (name.length > NAME_MAX) errors.name = `Keep the name to ${NAME_MAX} characters or fewer.`;
  if (!definition.trim()) errors.definition = "Write the rule that selects customers.";
  else if (preview?.status === "invalid") errors.definition = preview.message;
  return errors;
}

export function canSave(form, preview) {
  return preview?.status === "valid" && Object.keys(formErrors(form, preview)).length === 0;
}

export const EXAMPLES = [
  "number_of_orders >= 3 AND last_order_date > -90d",
  "amount_spent > 200 AND customer_tags CONTAINS 'wholesale'",
  "email_subscription_status = 'SUBSCRIBED' AND number_of_orders = 0",
];
