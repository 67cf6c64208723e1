import { Badge, BlockStack, Card, IndexTable, Page, Pagination, Text } from "@shopify/polaris";
import { useState } from "react";
import { RouterLink } from "../components/RouterLink.jsx";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import { formatMoney, formatNumber, humanize } from "../format.js";
import { useRouter } from "../router.jsx";
import { useApi } from "../useApi.js";

const PAGE_SIZE = 50;

export default function Leads() {
  const { navigate } = useRouter();
  const [offset, setOffset] = useState(0);
  const { data, error, loading, reload } = useApi(`/api/leads?${new URLSearchParams({ limit: PAGE_SIZE, offset })}`);
  if (loading && !data) return <LoadingPage title="Leads" />;
  if (error && !data) {
    // Nothing to list after a failed first load: the banner with its retry, not an "empty" claim.
    return (
      <Page title="Leads">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load your leads" />
      </Page>
    );
  }
  const leads = data?.leads ?? [];
  return (
    <Page title="Leads" subtitle="Subscribers, account holders and cart abandoners who have not bought yet, by projected value.">
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load your leads" />
        <Card padding="0">
          {leads.length === 0 ? (
            <Empty heading="No scored leads yet" action={{ content: "See activity", url: "/activity" }}>
              Lead scores come from Orbit's analytics run after the import. People who signed up or left a cart without
              buying appear here, best first.
            </Empty>
          ) : (
            <IndexTable
              resourceName={{ singular: "lead", plural: "leads" }}
              itemCount={leads.length}
              selectable={false}
              headings={[{ title: "Lead" }, { title: "Projected value", alignment: "end" }, { title: "Why" }, { title: "Signals" }]}
            >
              {leads.map((lead, index) => (
                <IndexTable.Row id={String(lead.customer_id)} key={lead.customer_id} position={index} onClick={() => navigate(`/customers/${lead.customer_id}`)}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        <RouterLink url={`/customers/${lead.customer_id}`} onClick={(event) => event.stopPropagation()} style={{ color: "inherit", textDecoration: "none" }}>
                          {lead.name}
                        </RouterLink>
                      </Text>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {lead.email || "—"}
                      </Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {formatMoney(lead.lead_score, data.currency)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div style={{ whiteSpace: "normal", maxWidth: 420 }}>
                      <Text as="span" variant="bodySm">
                        {lead.reasons.join(" ")}
                      </Text>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="100" inlineAlign="start">
                      {lead.email_subscription_status && <Badge>{humanize(String(lead.email_subscription_status).toLowerCase())}</Badge>}
                      {lead.abandoned_checkout_value && <Badge tone="attention">{`Cart ${formatMoney(lead.abandoned_checkout_value, data.currency)}`}</Badge>}
                      {lead.acquisition_source && <Badge tone="info">{humanize(lead.acquisition_source)}</Badge>}
                    </BlockStack>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
          {data && data.total > PAGE_SIZE && (
            <div style={{ padding: 12, display: "flex", justifyContent: "center" }}>
              <Pagination
                hasPrevious={offset > 0}
                onPrevious={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
                hasNext={offset + PAGE_SIZE < data.total}
                onNext={() => setOffset(offset + PAGE_SIZE)}
                label={`${formatNumber(offset + 1)}–${formatNumber(Math.min(offset + PAGE_SIZE, data.total))} of ${formatNumber(data.total)}`}
              />
            </div>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
