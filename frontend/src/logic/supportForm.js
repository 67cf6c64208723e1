// The support-contact form's rules, mirroring the API's (app/dashboards/support_kpis.py), so
// mistakes show next to the field before anything is sent.

export const CHANNELS = [
  { label: "Email", value: "email" },
  { label: "Chat", value: "chat" },
  { label: "Phone", value: "phone" },
  { label: "Social media", value: "social" },
  { label: "In store", value: "in_store" },
  { label: "Other", value: "other" },
];

export const REASON_MAX = 200;

export function emptyContact(customerId = null) {
  return { customerId, channel: "email", reason: "", resolved: null, csat: "", effort: "", note: "" };
}

export function validateContact(form) {
  const errors = {};
  if (!form.customerId) errors.customer_id = "Choose the customer this contact was with.";
  if (!CHANNELS.some((channel) => channel.value === form.channel)) errors.channel = "Choose a channel.";
  const reason = form.reason.trim();
  if (!reason) errors.reason = "Say what the contact was about.";
  else if (reason.length > REASON_MAX) errors.reason = `Keep it under ${REASON_MAX} characters.`;
  if (form.resolved !== true && form.resolved !== false)
    errors.resolved_first_contact = "Say whether the first contact resolved it.";
  return errors;
}

export function contactPayload(form) {
  return {
    customer_id: Number(form.customerId),
    channel: form.channel,
    reason: form.reason.trim(),
    resolved_first_contact: form.resolved,
    csat: form.csat === "" ? null : Number(form.csat),
    effort: form.effort === "" ? null : Number(form.effort),
    note: form.note.trim() || null,
  };
}
