import { Autocomplete, BlockStack, Button, ChoiceList, FormLayout, InlineStack, Select, TextField, Icon } from "@shopify/polaris";
import { SearchIcon } from "@shopify/polaris-icons";
import { useState } from "react";
import { apiFetch } from "../api.js";
import { CHANNELS, REASON_MAX, contactPayload, emptyContact, validateContact } from "../logic/supportForm.js";
import { useDebounced } from "../pages/Customers.jsx";
import { useApi } from "../useApi.js";

const CSAT = [
  { label: "Not answered", value: "" },
  { label: "5 – Very satisfied", value: "5" },
  { label: "4 – Satisfied", value: "4" },
  { label: "3 – Neutral", value: "3" },
  { label: "2 – Dissatisfied", value: "2" },
  { label: "1 – Very dissatisfied", value: "1" },
];
const EFFORT = [
  { label: "Not answered", value: "" },
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => ({
    label: n === 1 ? "1 – Very easy" : n === 7 ? "7 – Very hard" : String(n),
    value: String(n),
  })),
];

function CustomerPicker({ value, onChange, error }) {
  const [text, setText] = useState("");
  const query = useDebounced(text.trim());
  const { data, loading } = useApi(`/api/customers?${new URLSearchParams({ q: query, limit: 8 })}`, { skip: !query });
  const options = (query ? data?.customers ?? [] : []).map((c) => ({
    value: String(c.id),
    label: c.email ? `${c.name} · ${c.email}` : c.name,
  }));
  return (
    <Autocomplete
      options={options}
      selected={value ? [String(value.id)] : []}
      loading={loading && !!query}
      onSelect={([id]) => {
        const option = options.find((o) => o.value === id);
        onChange({ id, label: option?.label ?? id });
        setText(option?.label ?? "");
      }}
      textField={
        <Autocomplete.TextField
          label="Customer"
          value={text}
          onChange={(next) => {
            setText(next);
            if (value) onChange(null);
          }}
          prefix={<Icon source={SearchIcon} />}
          placeholder="Search by name or email"
          autoComplete="off"
          error={error}
        />
      }
      emptyState={query && !loading ? <div style={{ padding: 12 }}>No customer matches.</div> : undefined}
    />
  );
}

// Log a contact; `customer` fixes it to one customer (the profile page), else a picker shows.
export default function SupportContactForm({ customer = null, onSaved }) {
  const [form, setForm] = useState(emptyContact(customer?.id ?? null));
  const [picked, setPicked] = useState(null);
  const [errors, setErrors] = useState({});
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState(null);
  const set = (field) => (value) => setForm((f) => ({ ...f, [field]: value }));

  async function submit() {
    const found = validateContact(form);
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length) return;
    setSaving(true);
    try {
      const { contact } = await apiFetch("/api/support/contacts", { method: "POST", body: contactPayload(form) });
      setForm(emptyContact(customer?.id ?? null));
      setPicked(null);
      onSaved?.(contact);
    } catch (error) {
      if (error.fields) setErrors(error.fields);
      else setFailure(error.message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <FormLayout>
        {!customer && (
          <CustomerPicker
            value={picked}
            error={errors.customer_id}
            onChange={(choice) => {
              setPicked(choice);
              set("customerId")(choice?.id ?? null);
            }}
          />
        )}
        <FormLayout.Group>
          <Select label="Channel" options={CHANNELS} value={form.channel} onChange={set("channel")} error={errors.channel} />
          <TextField
            label="Reason"
            value={form.reason}
            onChange={set("reason")}
            maxLength={REASON_MAX}
            showCharacterCount
            autoComplete="off"
            error={errors.reason}
            placeholder="Where is my order?"
          />
        </FormLayout.Group>
        <ChoiceList
          title="Resolved in the first contact?"
          choices={[
            { label: "Yes", value: "yes" },
            { label: "No, it needed follow-up", value: "no" },
          ]}
          selected={form.resolved === null ? [] : [form.resolved ? "yes" : "no"]}
          onChange={([choice]) => set("resolved")(choice === "yes")}
          error={errors.resolved_first_contact}
        />
        <FormLayout.Group>
          <Select label="Customer satisfaction (CSAT)" options={CSAT} value={form.csat} onChange={set("csat")} error={errors.csat} />
          <Select label="Customer effort" options={EFFORT} value={form.effort} onChange={set("effort")} error={errors.effort} />
        </FormLayout.Group>
        <TextField label="Note" value={form.note} onChange={set("note")} multiline={3} autoComplete="off" error={errors.note} />
        {failure && <p style={{ color: "var(--p-color-text-critical)" }}>{failure}</p>}
        <InlineStack align="end">
          <Button variant="primary" submit loading={saving}>
            Log contact
          </Button>
        </InlineStack>
      </FormLayout>
    </form>
  );
}
