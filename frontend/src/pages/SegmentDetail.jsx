import { Badge, BlockStack, Card, DataTable, Layout, Page, Pagination, SkeletonBodyText, Text } from "@shopify/polaris";
import { Suspense, lazy, useState } from "react";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import { formatDate, formatMoney, formatNumber } from "../format.js";
import { RouterLink } from "../components/RouterLink.jsx";
import { useApi } from "../useApi.js";
import { sizeSeries } from "./Segments.jsx";

const KpiLineChart = lazy(() => import("../components/Charts.jsx").then((m) => ({ default: m.KpiLineChart })));
const PAGE_SIZE = 25;

export default function SegmentDetail({ params }) {
  const id = encodeURIComponent(params.id);
  const segment = useApi(`/api/segments/${id}`);
  const [offset, setOffset] = useState(0);
  const members = useApi(`/api/segments/${id}/members?${new URLSearchParams({ limit: PAGE_SIZE, offset })}`);
  if (segment.loading && !segment.data) return <LoadingPage title="Segment" />;
  const s = segment.data?.segment;
  const rows = members.data?.members ?? [];
  return (
    <Page
      title={s?.name ?? "Segment"}
      subtitle={s?.description}
      backAction={{ content: "Segments", url: "/segments" }}
      titleMetadata={s ? (s.push_tag ? <Badge tone="success">Pushed as {s.tag}</Badge> : <Badge>Not pushed</Badge>) : null}
    >
      <BlockStack gap="400">
        <ErrorBanner error={segment.error} onRetry={segment.reload} title="Orbit could not load this segment" />
        {s && (
          <Layout>
            <Layout.Section>
              <Card padding="0">
                <div style={{ padding: "16px 16px 0" }}>
                  <Text as="h2" variant="headingMd">
                    {`Members (${formatNumber(s.member_count)})`}
                  </Text>
                </div>
                <ErrorBanner error={members.error} onRetry={members.reload} />
                {members.loading && !members.data ? (
                  <div style={{ padding: 16 }}>
                    <SkeletonBodyText lines={6} />
                  </div>
                ) : rows.length === 0 ? (
                  <Empty heading="No members right now">Customers join as soon as they match the rule; this list follows.</Empty>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "numeric"]}
                    headings={["Customer", "Email", "Orders", "Spent"]}
                    rows={rows.map((m) => [
                      <RouterLink key="n" url={`/customers/${m.customer_id ?? m.id}`}>
                        {m.name || m.email || `Customer ${m.customer_id ?? m.id}`}
                      </RouterLink>,
                      m.email || "—",
                      formatNumber(m.number_of_orders ?? m.orders),
                      formatMoney(m.amount_spent, m.currency),
                    ])}
                  />
                )}
                {members.data && members.data.total > PAGE_SIZE && (
                  <div style={{ padding: 12, display: "flex", justifyContent: "center" }}>
                    <Pagination
                      hasPrevious={offset > 0}
                      onPrevious={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
                      hasNext={offset + PAGE_SIZE < members.data.total}
                      onNext={() => setOffset(offset + PAGE_SIZE)}
                    />
                  </div>
                )}
              </Card>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Rule
                    </Text>
                    <pre style={{ margin: 0, whiteSpace: "pre-wrap", fontSize: 13 }}>{s.definition}</pre>
                    <Text as="p" variant="bodySm" tone="subdued">
                      Last evaluated {formatDate(s.evaluated_at)}
                    </Text>
                  </BlockStack>
                </Card>
                {s.history?.length > 1 && (
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">
                        Size, last 30 days
                      </Text>
                      <Suspense fallback={<SkeletonBodyText lines={5} />}>
                        <KpiLineChart series={sizeSeries(s.history)} height={180} />
                      </Suspense>
                    </BlockStack>
                  </Card>
                )}
              </BlockStack>
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </Page>
  );
}
