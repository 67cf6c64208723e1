import { Badge, BlockStack, Card, DataTable, Layout, Page, Pagination, SkeletonBodyText, Text } from "@shopify/polaris";
import { Suspense, lazy, useState } from "react";
import { apiFetch } from "../api.js";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import SegmentPushCard from "../components/SegmentPushCard.jsx";
import { formatDate, formatMoney, formatNumber } from "../format.js";
import { RouterLink } from "../components/RouterLink.jsx";
import { useApi } from "../useApi.js";
import { sizeSeries } from "./Segments.jsx";

const KpiLineChart = lazy(() => import("../components/Charts.jsx").then((m) => ({ default: m.KpiLineChart })));
const PAGE_SIZE = 25;

export default function SegmentDetail({ params }) {
  const id = encodeURIComponent(params.id);
  const segment = useApi(`/api/segments/${id}`);
  const all = useApi("/api/segments"); // the list carries each segment's 30-day size history
  const [page, setPage] = useState(1);
  const members = useApi(`/api/segments/${id}/members?${new URLSearchParams({ page, per_page: PAGE_SIZE })}`);
  const ids = (members.data?.members ?? []).map((m) => m.customer_id);
  const people = useApi(`/api/customers?${new URLSearchParams({ ids: ids.join(","), limit: PAGE_SIZE })}`, {
    skip: ids.length === 0,
  });
  const byId = Object.fromEntries((people.data?.customers ?? []).map((c) => [c.id, c]));
  const history = (all.data?.segments ?? []).find((x) => String(x.id) === String(params.id))?.size_history ?? [];
  // The segment as last saved here (a push toggle answers it), else as loaded.
  const [saved, setSaved] = useState(null);
  if (segment.loading && !segment.data) return <LoadingPage title="Segment" />;
  if (segment.error?.status === 404 && !segment.data) {
    return (
      <Page title="Segment not found" backAction={{ content: "Segments", url: "/segments" }}>
        <Card>
          <Empty heading="This segment doesn't exist" action={{ content: "See all segments", url: "/segments" }}>
            It may have been deleted. Built-in segments and the ones you created are listed on the Segments page.
          </Empty>
        </Card>
      </Page>
    );
  }
  const s = saved && String(saved.id) === String(params.id) ? { ...segment.data?.segment, ...saved } : segment.data?.segment;
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
                    {`Members (${formatNumber(s.size)})`}
                  </Text>
                </div>
                <ErrorBanner error={members.error} onRetry={members.reload} title="Orbit could not load the members" />
                <ErrorBanner error={people.error} onRetry={people.reload} title="Orbit could not load the members' names and emails" />
                {members.loading && !members.data ? (
                  <div style={{ padding: 16 }}>
                    <SkeletonBodyText lines={6} />
                  </div>
                ) : rows.length === 0 ? (
                  <Empty heading="No members right now">Customers join as soon as they match the rule; this list follows.</Empty>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
                    headings={["Customer", "Email", "Orders", "Spent", "Joined"]}
                    rows={rows.map((m) => [
                      <RouterLink key="n" url={`/customers/${m.customer_id}`}>
                        {byId[m.customer_id]?.name ?? `Customer ${m.customer_id}`}
                      </RouterLink>,
                      byId[m.customer_id]?.email || "—",
                      formatNumber(m.number_of_orders),
                      formatMoney(m.amount_spent),
                      formatDate(m.joined_at),
                    ])}
                  />
                )}
                {members.data && members.data.total > PAGE_SIZE && (
                  <div style={{ padding: 12, display: "flex", justifyContent: "center" }}>
                    <Pagination
                      hasPrevious={page > 1}
                      onPrevious={() => setPage(Math.max(1, page - 1))}
                      hasNext={page * PAGE_SIZE < members.data.total}
                      onNext={() => setPage(page + 1)}
                    />
                  </div>
                )}
              </Card>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <SegmentPushCard
                  key={s.id}
                  segment={s}
                  onSave={(body) => apiFetch(`/api/segments/${id}`, { method: "PATCH", body })}
                  onSaved={setSaved}
                />
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
                {all.loading && !all.data ? (
                  <Card>
                    <SkeletonBodyText lines={5} />
                  </Card>
                ) : all.error ? (
                  <Card>
                    <ErrorBanner error={all.error} onRetry={all.reload} title="Orbit could not load the size history" />
                  </Card>
                ) : history.length > 1 ? (
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">
                        Size, last 30 days
                      </Text>
                      <Suspense fallback={<SkeletonBodyText lines={5} />}>
                        <KpiLineChart series={sizeSeries(history)} height={180} />
                      </Suspense>
                    </BlockStack>
                  </Card>
                ) : (
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">
                        Size, last 30 days
                      </Text>
                      <Text as="p" tone="subdued">
                        The chart starts once Orbit has counted this segment on two days; it counts every day.
                      </Text>
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
