import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

// The program settings document (app/referral_program/settings.py), edited field by field; the
// server validates and answers errors keyed by dotted field ("hold.days").
const set = (doc, path, value) => {
  const [group, field] = path.split(".");
  return field ? { ...doc, [group]: { ...doc[group], [field]: value } } : { ...doc, [group]: value };
};

export default function ReferralSettingsForm({ initial, onSave }) {
  const [doc, setDoc] = useState(initial);
  const [errors, setErrors] = useState({});
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState(null);
  const field = (path) => ({
    value: String(path.split(".").reduce((value, key) => value?.[key], doc) ?? ""),
    onChange: (value) => setDoc((d) => set(d, path, value)),
    error: errors[path],
    autoComplete: "off",
  });

  async function save() {
    setSaving(true);
    setStatus(null);
    try {
      const { settings } = await onSave({
        ...doc,
        hold: { ...doc.hold, days: Number(doc.hold.days) },
        max_rewards_per_advocate: Number(doc.max_rewards_per_advocate),
      });
      setDoc(settings);
      setErrors({});
      setStatus({ tone: "success", text: "Program settings saved." });
    } catch (error) {
      setErrors(error.fields || {});
      setStatus({ tone: "critical", text: error.fields ? "Check the highlighted fields." : error.message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Program settings
          </Text>
          {status && (
            <Banner tone={status.tone} onDismiss={() => setStatus(null)}>
              <p>{status.text}</p>
            </Banner>
          )}
          <FormLayout>
            <Checkbox label="Referral program on" checked={doc.enabled} onChange={(v) => setDoc((d) => set(d, "enabled", v))} error={errors.enabled} />
            <FormLayout.Group condensed>
              <Select
                label="Friend's offer"
                options={[
                  { label: "Percentage off", value: "percentage" },
                  { label: "Fixed amount off", value: "fixed_amount" },
                ]}
                {...field("friend_offer.kind")}
              />
              <TextField label="Value" type="number" {...field("friend_offer.value")} />
              <TextField label="Minimum subtotal" type="number" {...field("friend_offer.min_subtotal")} />
            </FormLayout.Group>
            <FormLayout.Group condensed>
              <Select
                label="Advocate's reward"
                options={[
                  { label: "Discount code", value: "discount_code" },
                  { label: "Store credit", value: "store_credit" },
                ]}
                {...field("advocate_reward.kind")}
              />
              <TextField label="Reward amount" type="number" {...field("advocate_reward.amount")} />
            </FormLayout.Group>
            <FormLayout.Group condensed>
              <Select
                label="Reward is earned"
                options={[
                  { label: "After a hold period", value: "days" },
                  { label: "When the order is fulfilled", value: "fulfilled" },
                ]}
                {...field("hold.mode")}
              />
              <TextField label="Hold (days)" type="number" {...field("hold.days")} />
              <TextField label="Rewards per advocate, at most" type="number" {...field("max_rewards_per_advocate")} />
            </FormLayout.Group>
          </FormLayout>
          <InlineStack align="end">
            <Button variant="primary" submit loading={saving}>
              Save program settings
            </Button>
          </InlineStack>
        </BlockStack>
      </form>
    </Card>
  );
}
