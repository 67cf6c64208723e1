import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { formatDateTime } from "../format.js";
import { refusalCustomer, refusalReason, refusalsSummary, shortTag, shownNote } from "../logic/tagRefusals.js";
import { Empty } from "./PageStates.jsx";
import { RouterLink } from "./RouterLink.jsx";

// The tags the push could not write because Shopify refused them (/api/activity's
// tag_refusals: counts and the latest 50). Orbit keeps trying at every push; a refusal goes away
// once a push writes the tag.
export default function TagRefusals({ refusals }) {
  const note = shownNote(refusals);
  return (
    <Card padding="0">
      <div style={{ padding: "16px 16px 0" }}>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Tags Shopify could not take
          </Text>
          <Text as="p" tone="subdued">
            Shopify allows at most 250 tags per customer and 255 characters per tag. Orbit leaves other apps' tags
            alone, so a customer who is full, or a tag that is too long, waits here; the next push writes it once it
            fits.
          </Text>
          {refusals.tags > 0 && (
            <Text as="p" fontWeight="semibold" id="tag-refusals-summary">
              {refusalsSummary(refusals)}
              {note ? ` ${note}` : ""}
            </Text>
          )}
        </BlockStack>
      </div>
      {refusals.tags === 0 ? (
        <Empty heading="Shopify took every tag">
          Nothing to do. If a customer reaches 250 tags or a tag is longer than 255 characters, it shows here with
          the reason; make room on the customer in Shopify or shorten the segment's tag name.
        </Empty>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "text", "text"]}
          headings={["Customer", "Tag", "Reason", "When"]}
          rows={refusals.recent.map((row) => [
            <RouterLink key="c" url={`/customers/${row.customer_id}`}>
              {refusalCustomer(row)}
            </RouterLink>,
            <code key="t" title={row.tag} style={{ wordBreak: "break-all" }}>
              {shortTag(row.tag)}
            </code>,
            refusalReason(row.reason),
            formatDateTime(row.recorded_at),
          ])}
        />
      )}
    </Card>
  );
}
