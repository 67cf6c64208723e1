import { Banner, BlockStack, Card, Checkbox, InlineStack, Spinner, Text } from "@shopify/polaris";
import { pushFailedTitle, pushStateText } from "../logic/segmentPush.js";
import { Toast } from "./Toast.jsx";
import { useSegmentPush } from "./useSegmentPush.js";

// Whether a segment's tag is pushed to the customers in Shopify. `onSave({push_tag})` is the
// API call (PATCH /api/segments/<id>) and answers the saved segment; `onSaved` passes it up.
export default function SegmentPushCard({ segment, onSave, onSaved }) {
  const push = useSegmentPush({ onSave, onSaved });
  const { saving, failure, toast } = push;

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
            action={{ content: "Try again", onAction: push.retry }}
            onDismiss={push.dismissFailure}
          >
            <p>{failure.message}</p>
          </Banner>
        )}
        <InlineStack gap="200" blockAlign="center" wrap={false}>
          <Checkbox
            label="Tag members in Shopify"
            checked={push.checked(segment)}
            onChange={push.change}
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
      {toast && <Toast content={toast} onDismiss={push.dismissToast} />}
    </Card>
  );
}
