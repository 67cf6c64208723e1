import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, SkeletonBodyText, Text } from "@shopify/polaris";
import { Suspense, lazy, useState } from "react";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import SupportContactForm from "../components/SupportContactForm.jsx";
import { formatDate, formatDateTime, formatNumber, formatPercent, humanize } from "../format.js";
import { hasWeeklyContacts, supportKpiCharts } from "../logic/supportKpis.js";
import { useApi } from "../useApi.js";

const KpiLineChart = lazy(() => import("../components/Charts.jsx").then((m) => ({ default: m.KpiLineChart })));

function Kpi({ label, value, help, id }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" id={id}>
          {value}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Support() {
  const kpis = useApi("/api/support/kpis?weeks=12");
  const contacts = useApi("/api/support/contacts?limit=20");
  const [flash, setFlash] = useState(null);
  const [formKey, setFormKey] = useState(0); // a new form after each save
  if (kpis.loading && !kpis.data) return <LoadingPage title="Support" />;
  const current = kpis.data?.last_30_days;
  const weekly = kpis.data?.weekly ?? [];
  const anyWeekly = hasWeeklyContacts(weekly);
  return (
    <Page title="Support" subtitle="Log contacts with customers and follow how well support is going.">
      <BlockStack gap="400">
        <ErrorBanner error={kpis.error} onRetry={kpis.reload} title="Orbit could not load the support figures" />
        {current && (
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="300">
            <Kpi
              id="kpi-csat"
              label="CSAT"
              value={formatPercent(current.csat_percent)}
              help={`Share of ${formatNumber(current.csat_responses)} ratings that were 4 or 5, last 30 days`}
            />
            <Kpi
              id="kpi-fcr"
              label="First-contact resolution"
              value={formatPercent(current.first_contact_resolution_percent)}
              help={`Of ${formatNumber(current.contacts)} contacts in the last 30 days`}
            />
            <Kpi
              id="kpi-effort"
              label="Average customer effort"
              value={current.average_effort === null ? "—" : `${current.average_effort} / 7`}
              help="Lower is better: 1 is very easy"
            />
            <Kpi
              id="kpi-per-100"
              label="Contacts per 100 orders"
              value={current.contacts_per_100_orders === null ? "—" : String(current.contacts_per_100_orders)}
              help={`${formatNumber(current.orders)} orders in the last 30 days`}
            />
          </InlineGrid>
        )}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Last 12 weeks
                  </Text>
                  {!kpis.data ? (
                    <Text as="p" tone="subdued">
                      The weekly figures could not be loaded; use Try again above.
                    </Text>
                  ) : anyWeekly ? (
                    <Suspense fallback={<SkeletonBodyText lines={6} />}>
                      <BlockStack gap="600">
                        {supportKpiCharts(weekly).map((chart) => (
                          <section key={chart.id} aria-labelledby={`support-chart-${chart.id}`} data-chart={chart.id}>
                            <BlockStack gap="100">
                              <Text as="h3" variant="headingSm" id={`support-chart-${chart.id}`}>
                                {chart.title}
                              </Text>
                              <Text as="p" variant="bodySm" tone="subdued">
                                {chart.help}
                              </Text>
                              <KpiLineChart series={chart.series} height={220} />
                            </BlockStack>
                          </section>
                        ))}
                      </BlockStack>
                    </Suspense>
                  ) : (
                    <Text as="p" tone="subdued">
                      The weekly trend starts with the first contact you log.
                    </Text>
                  )}
                </BlockStack>
              </Card>
              <Card padding="0">
                <div style={{ padding: "16px 16px 0" }}>
                  <Text as="h2" variant="headingMd">
                    Recent contacts
                  </Text>
                </div>
                <ErrorBanner error={contacts.error} onRetry={contacts.reload} />
                {contacts.loading && !contacts.data ? (
                  <div style={{ padding: 16 }}>
                    <SkeletonBodyText lines={5} />
                  </div>
                ) : contacts.data?.contacts.length ? (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text", "numeric", "numeric"]}
                    headings={["When", "Customer", "Channel", "Reason", "CSAT", "Effort"]}
                    rows={contacts.data.contacts.map((c) => [
                      formatDateTime(c.contacted_at),
                      c.customer_name,
                      humanize(c.channel),
                      <span key="r">
                        {c.reason}{" "}
                        {!c.resolved_first_contact && <Badge tone="attention">Follow-up</Badge>}
                      </span>,
                      c.csat ?? "—",
                      c.effort ?? "—",
                    ])}
                  />
                ) : (
                  <Empty heading="No contacts logged yet">
                    Log each conversation with a customer here or from their profile; the KPIs above follow.
                  </Empty>
                )}
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Log a contact
                </Text>
                {flash && (
                  <Text as="p" tone="success">
                    {flash}
                  </Text>
                )}
                <SupportContactForm
                  key={formKey}
                  onSaved={(contact) => {
                    setFormKey((k) => k + 1);
                    setFlash(`Logged ${humanize(contact.channel).toLowerCase()} contact with ${contact.customer_name} (${formatDate(contact.contacted_at)}).`);
                    kpis.refresh();
                    contacts.refresh();
                  }}
                />
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
