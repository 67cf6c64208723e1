import { Badge, BlockStack, Button, Card, Checkbox, IndexTable, InlineStack, SkeletonBodyText, Spinner, Text } from "@shopify/polaris";
import { formatNumber } from "../format.js";
import { pushRowFailureTitle, pushSummary, pushToggleLabel, segmentKind } from "../logic/pushedSegments.js";
import { Empty, ErrorBanner } from "./PageStates.jsx";
import { RouterLink } from "./RouterLink.jsx";
import { Toast } from "./Toast.jsx";
import { useSegmentPush } from "./useSegmentPush.js";

// Every segment, built-in and custom, with the tag it carries in Shopify and a push switch that
// saves at once (the same save as the segment page's card: useSegmentPush).
// `saveSegment(id, {push_tag})` is the API call; `onSaved(segment)` gets the saved segment.
export default function SegmentPushList({ segments, loading, error, onRetry, saveSegment, onSaved, shopifySegments }) {
  if (loading && !segments) {
    return (
      <Card>
        <BlockStack gap="300">
          <SkeletonBodyText lines={1} />
          <SkeletonBodyText lines={5} />
        </BlockStack>
      </Card>
    );
  }
  if (!segments) {
    // A failed first load: the banner and its retry, never an "empty" claim.
    return <ErrorBanner error={error} onRetry={onRetry} title="Orbit could not load your segments" />;
  }
  return (
    <BlockStack gap="300">
      <ErrorBanner error={error} onRetry={onRetry} title="Orbit could not refresh your segments" />
      <Card padding="0">
        {segments.length === 0 ? (
          <Empty heading="No segments yet" action={{ content: "Create segment", url: "/segments/new" }}>
            Built-in segments appear after Orbit's first analytics run. Create your own to push its tag now.
          </Empty>
        ) : (
          <>
            <div style={{ padding: "12px 16px" }}>
              <Text as="p" tone="subdued" id="segment-push-summary">
                {pushSummary(segments)}
                {shopifySegments ? " Each pushed segment is also a Shopify segment." : ""}
              </Text>
            </div>
            <IndexTable
              resourceName={{ singular: "segment", plural: "segments" }}
              itemCount={segments.length}
              selectable={false}
              headings={[{ title: "Segment" }, { title: "Tag in Shopify" }, { title: "Members", alignment: "end" }, { title: "Push" }]}
            >
              {segments.map((segment, index) => (
                <SegmentPushRow
                  key={segment.id}
                  position={index}
                  segment={segment}
                  onSave={(body) => saveSegment(segment.id, body)}
                  onSaved={onSaved}
                />
              ))}
            </IndexTable>
          </>
        )}
      </Card>
    </BlockStack>
  );
}

function SegmentPushRow({ segment, position, onSave, onSaved }) {
  const push = useSegmentPush({ onSave, onSaved });
  const stateId = `segment-push-${segment.id}`;
  return (
    <IndexTable.Row id={String(segment.id)} position={position}>
      <IndexTable.Cell>
        <InlineStack gap="200" blockAlign="center" wrap={false}>
          <Text as="span" fontWeight="semibold">
            <RouterLink url={`/segments/${segment.id}`}>{segment.name}</RouterLink>
          </Text>
          <Badge tone={segment.builtin ? undefined : "info"}>{segmentKind(segment)}</Badge>
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <code style={{ wordBreak: "break-all" }}>{segment.tag}</code>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {formatNumber(segment.size)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center" wrap={false}>
            <Checkbox
              label={pushToggleLabel(segment)}
              labelHidden
              checked={push.checked(segment)}
              onChange={push.change}
              ariaDescribedBy={stateId}
            />
            <Text as="span" tone="subdued" id={stateId}>
              {push.saving ? "Saving…" : segment.push_tag ? "Pushed" : "Not pushed"}
            </Text>
            {push.saving && <Spinner size="small" accessibilityLabel="Saving" />}
          </InlineStack>
          {push.failure && (
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" tone="critical" variant="bodySm">
                {pushRowFailureTitle(segment, push.failure.wanted)}: {push.failure.message}
              </Text>
              <Button variant="plain" onClick={push.retry} accessibilityLabel={`Try again: ${pushToggleLabel(segment)}`}>
                Try again
              </Button>
            </InlineStack>
          )}
        </BlockStack>
      </IndexTable.Cell>
      {push.toast && <Toast content={push.toast} onDismiss={push.dismissToast} />}
    </IndexTable.Row>
  );
}
