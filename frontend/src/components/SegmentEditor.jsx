import { Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineStack, Spinner, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { apiFetch } from "../api.js";
import { EXAMPLES, NAME_MAX, canSave, formErrors, previewState } from "../logic/segmentEditor.js";
import { useDebounced } from "../pages/Customers.jsx";
import { formatNumber } from "../format.js";
import { useApi } from "../useApi.js";

// Ask the server to parse and count the definition as the merchant types (debounced); its
// answer (count and sample, or an error with its position) shows under the field.
export function usePreview(definition, preview = (body) => apiFetch("/api/segments/preview", { method: "POST", body })) {
  const settled = useDebounced(definition, 400);
  const [state, setState] = useState({ status: "empty" });
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    if (!settled.trim()) {
      setState({ status: "empty" });
      return undefined;
    }
    let current = true;
    setChecking(true);
    preview({ definition: settled })
      .then((answer) => current && setState(previewState(settled, answer)))
      .catch((error) => {
        if (!current) return;
        // A 4xx with a position is a rule the parser refused; anything else is a failure to say so.
        if (error.status >= 400 && error.status < 500 && error.status !== 401) {
          setState(previewState(settled, { error: { message: error.message, position: error.position } }));
        } else setState({ status: "failed", message: error.message });
      })
      .finally(() => current && setChecking(false));
    return () => {
      current = false;
    };
  }, [settled]);
  return { preview: settled === definition ? state : { ...state, stale: true }, checking: checking || settled !== definition };
}

// The preview's sample carries customer ids and figures (no personal data); names come from the
// customers API.
function SampleNames({ sample }) {
  const ids = sample.slice(0, 5).map((member) => member.customer_id ?? member.id);
  const { data } = useApi(`/api/customers?${new URLSearchParams({ ids: ids.join(",") })}`);
  if (!data) return null;
  const names = data.customers.map((customer) => customer.name);
  return names.length ? <Text tone="subdued">For example: {names.join(", ")}</Text> : null;
}

export default function SegmentEditor({ onSave, preview: previewCall }) {
  const [form, setForm] = useState({ name: "", definition: "", pushTag: false });
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState(null);
  const { preview, checking } = usePreview(form.definition, previewCall);
  const errors = touched ? formErrors(form, preview) : preview.status === "invalid" ? { definition: preview.message } : {};

  async function save() {
    setTouched(true);
    setFailure(null);
    if (!canSave(form, preview) || preview.stale) return;
    setSaving(true);
    try {
      await onSave({ name: form.name.trim(), definition: form.definition, push_tag: form.pushTag });
    } catch (error) {
      setFailure(error.message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <BlockStack gap="400">
        {failure && (
          <Banner tone="critical" onDismiss={() => setFailure(null)}>
            <p>{failure}</p>
          </Banner>
        )}
        <Card>
          <FormLayout>
            <TextField
              label="Name"
              value={form.name}
              onChange={(name) => setForm((f) => ({ ...f, name }))}
              maxLength={NAME_MAX}
              autoComplete="off"
              error={errors.name}
            />
            <TextField
              label="Rule"
              value={form.definition}
              onChange={(definition) => setForm((f) => ({ ...f, definition }))}
              multiline={3}
              monospaced
              autoComplete="off"
              error={errors.definition}
              helpText={`For example: ${EXAMPLES[0]}`}
            />
            {preview.status === "invalid" && preview.where && (
              <Box background="bg-surface-critical" padding="200" borderRadius="200">
                <pre aria-label="Where the rule goes wrong" style={{ margin: 0, fontSize: 13, whiteSpace: "pre" }}>
                  {`line ${preview.where.line}, column ${preview.where.column}\n${preview.where.text}\n${preview.where.caret}`}
                </pre>
              </Box>
            )}
            <Checkbox
              label="Push this segment to Shopify as a customer tag"
              checked={form.pushTag}
              onChange={(pushTag) => setForm((f) => ({ ...f, pushTag }))}
            />
          </FormLayout>
        </Card>
        <Card>
          <BlockStack gap="200">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Preview
              </Text>
              {checking && <Spinner size="small" accessibilityLabel="Checking the rule" />}
            </InlineStack>
            <div role="status" aria-live="polite">
              {preview.status === "empty" && <Text tone="subdued">Write a rule to see how many customers it selects.</Text>}
              {preview.status === "valid" && (
                <BlockStack gap="100">
                  <Text as="p" variant="headingLg" id="preview-count">
                    {`${formatNumber(preview.count)} customers`}
                  </Text>
                  {preview.sample.length > 0 && <SampleNames sample={preview.sample} />}
                </BlockStack>
              )}
              {preview.status === "invalid" && <Text tone="critical">Fix the rule to see a count.</Text>}
              {preview.status === "failed" && <Text tone="critical">Orbit could not check the rule: {preview.message}</Text>}
            </div>
          </BlockStack>
        </Card>
        <InlineStack align="end">
          <Button variant="primary" submit loading={saving} disabled={checking || preview.status !== "valid"}>
            Save segment
          </Button>
        </InlineStack>
      </BlockStack>
    </form>
  );
}
