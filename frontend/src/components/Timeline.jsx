import { Badge, BlockStack, Box, Icon, InlineStack, Text } from "@shopify/polaris";
import { CartAbandonedIcon, ChatIcon, GiftCardIcon, OrderIcon, PersonAddIcon, ReceiptRefundIcon, TargetIcon } from "@shopify/polaris-icons";
import { formatDateTime, formatMoney, humanize } from "../format.js";

const ICONS = {
  order: OrderIcon,
  refund: ReceiptRefundIcon,
  checkout: CartAbandonedIcon,
  support: ChatIcon,
  segment_joined: TargetIcon,
  segment_left: TargetIcon,
  referral: PersonAddIcon,
  reward: GiftCardIcon,
};

function Detail({ event, currency }) {
  const d = event.detail || {};
  const parts = [];
  if (d.amount) parts.push(formatMoney(d.amount, d.currency || currency));
  if (d.items?.length) parts.push(d.items.join(", "));
  if (d.discount_codes?.length) parts.push(`code ${d.discount_codes.join(", ")}`);
  if (d.note) parts.push(d.note);
  return (
    <BlockStack gap="100">
      {parts.length > 0 && (
        <Text as="p" tone="subdued">
          {parts.join(" · ")}
        </Text>
      )}
      <InlineStack gap="100">
        {d.financial_status && <Badge>{humanize(d.financial_status.toLowerCase())}</Badge>}
        {event.kind === "support" && (
          <Badge tone={d.resolved_first_contact ? "success" : "attention"}>
            {d.resolved_first_contact ? "Resolved first time" : "Needed follow-up"}
          </Badge>
        )}
        {d.csat ? <Badge>{`CSAT ${d.csat}/5`}</Badge> : null}
        {d.effort ? <Badge>{`Effort ${d.effort}/7`}</Badge> : null}
      </InlineStack>
    </BlockStack>
  );
}

export default function Timeline({ events, currency }) {
  return (
    <ol style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label="Customer timeline">
      {events.map((event, index) => (
        <li key={`${event.kind}-${event.at}-${index}`} data-kind={event.kind}>
          <Box paddingBlock="300" borderBlockEndWidth={index < events.length - 1 ? "025" : "0"} borderColor="border">
            <InlineStack gap="300" wrap={false} blockAlign="start">
              <Box>
                <Icon source={ICONS[event.kind] || OrderIcon} tone="subdued" />
              </Box>
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="baseline">
                  <Text as="h3" variant="headingSm">
                    {event.title}
                  </Text>
                  <Text as="span" variant="bodySm" tone="subdued">
                    {formatDateTime(event.at)}
                  </Text>
                </InlineStack>
                <Detail event={event} currency={currency} />
              </BlockStack>
            </InlineStack>
          </Box>
        </li>
      ))}
    </ol>
  );
}
