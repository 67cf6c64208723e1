import { Banner, BlockStack, Card, Checkbox, InlineStack, Spinner, Text } from "@shopify/polaris";
import { useCallback, useState } from "react";
import { pushFailedTitle, pushSavedMessage, pushStateText } from "../logic/segmentPush.js";
import { Toast } from "./Toast.jsx";

// Whether a segment's tag is pushed to the customers in Shopify. `onSave({push_tag})` is the
// API call (PATCH /api/segments/<id>) and answers the saved segment; `onSaved` passes it up.
export default function SegmentPushCard({ segment, onSave, onSaved }) {
  const [wanted, setWanted] = useState(null); // the value being saved, while a save runs
  const [failure, setFailure] = useState(null); // {wanted, message} after a failed save
  const [toast, setToast] = useState(null);
  const saving = wanted !== null;
  const dismissToast = useCallback(() => setToast(null), []);

  async function save(value) {
    setWanted(value);
    setFailure(null);
    try {
      const { segment: saved } = await onSave({ push_tag: value });
      onSaved(saved);
      setToast(pushSavedMessage(saved));
    } catch (error) {
      setFailure({ wanted: value, message: error.message });
    } finally {
      setWanted(null);
    }
  }

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Push to Shopify
        </Text>
        {failure && (
          <Banner
            tone="critical"
            title={pushFailedTitle(failure.wanted)}
            action={{ content: "Try again", onAction: () => save(failure.wanted) }}
            onDismiss={() => setFailure(null)}
          >
            <p>{failure.message}</p>
          </Banner>
        )}
        <InlineStack gap="200" blockAlign="center" wrap={false}>
          <Checkbox
            label="Tag members in Shopify"
            checked={saving ? wanted : segment.push_tag}
            // Not disabled while saving: a disabled box would drop the keyboard focus.
            onChange={(value) => {
              if (!saving) save(value);
            }}
            ariaDescribedBy="segment-push-state"
          />
          {saving && <Spinner size="small" accessibilityLabel="Saving" />}
        </InlineStack>
        <Text as="p" tone="subdued" id="segment-push-state">
          {saving ? "Saving…" : pushStateText(segment)}
        </Text>
        <Text as="p" variant="bodySm">
          Tag: <code>{segment.tag}</code>
        </Text>
      </BlockStack>
      {toast && <Toast content={toast} onDismiss={dismissToast} />}
    </Card>
  );
}
