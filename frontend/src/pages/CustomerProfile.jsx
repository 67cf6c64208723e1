import { Badge, BlockStack, Card, InlineGrid, InlineStack, Layout, Link, Modal, Page, SkeletonBodyText, Text } from "@shopify/polaris";
import { useState } from "react";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import { RouterLink } from "../components/RouterLink.jsx";
import SupportContactForm from "../components/SupportContactForm.jsx";
import Timeline from "../components/Timeline.jsx";
import { formatDate, formatMoney, formatNumber, humanize } from "../format.js";
import { useApi } from "../useApi.js";

function Figure({ label, value }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {value}
      </Text>
    </BlockStack>
  );
}

// A side card's heading with its own loading skeleton and error banner (the rest of the profile
// stays usable when one of its sources fails).
function SideCard({ title, source, notFound, children }) {
  let body = children;
  if (source.loading && !source.data) body = <SkeletonBodyText lines={3} />;
  else if (source.error?.status === 404 && !source.data) body = notFound;
  else if (source.error && !source.data) {
    body = <ErrorBanner error={source.error} onRetry={source.reload} title={`Orbit could not load the ${title.toLowerCase()}`} />;
  }
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {body}
      </BlockStack>
    </Card>
  );
}

function Predictions({ facts, currency }) {
  if (!facts) {
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Predictions
          </Text>
          <Text as="p" tone="subdued">
            Predicted value, churn risk and RFM group appear after Orbit's first analytics run for your store.
          </Text>
        </BlockStack>
      </Card>
    );
  }
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Predictions
        </Text>
        <InlineGrid columns={2} gap="300">
          <Figure label="Predicted 12-month value" value={formatMoney(facts.predicted_clv, currency)} />
          <Figure
            label="Churn risk"
            value={facts.churn_risk === null || facts.churn_risk === undefined ? "—" : `${Math.round(facts.churn_risk * 100)}%`}
          />
          <Figure label="RFM group" value={facts.rfm_group || "—"} />
          <Figure label="Expected next order" value={formatDate(facts.next_order_at)} />
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

function NoRecommendations() {
  return (
    <Text as="p" tone="subdued">
      Nothing to suggest yet. Products appear here once Orbit has built bought-together lists from your orders; see{" "}
      <Link url="/recommendations">Recommendations</Link> for coverage.
    </Text>
  );
}

export default function CustomerProfile({ params }) {
  const { data, error, loading, reload, refresh } = useApi(`/api/customers/${encodeURIComponent(params.id)}`);
  const analytics = useApi(`/api/customers/${encodeURIComponent(params.id)}/analytics`);
  const recommended = useApi(`/api/recommendations/customers/${encodeURIComponent(params.id)}`);
  const [logging, setLogging] = useState(false);
  if (loading && !data) return <LoadingPage title="Customer" />;
  if (error && !data) {
    return (
      <Page title="Customer" backAction={{ content: "Customers", url: "/customers" }}>
        {error.status === 404 ? (
          <Card>
            <Empty heading="This customer isn't in Orbit" action={{ content: "Search customers", url: "/customers" }}>
              They may have been deleted in Shopify, or not imported yet.
            </Empty>
          </Card>
        ) : (
          <ErrorBanner error={error} onRetry={reload} title="Orbit could not load this customer" />
        )}
      </Page>
    );
  }
  const { customer, figures, timeline } = data;
  return (
    <Page
      title={customer.name}
      subtitle={[customer.email, [customer.city, customer.country].filter(Boolean).join(", ")].filter(Boolean).join(" · ")}
      backAction={{ content: "Customers", url: "/customers" }}
      primaryAction={{ content: "Log support contact", onAction: () => setLogging(true) }}
      secondaryActions={[{ content: "View in Shopify", url: customer.admin_url, external: true }]}
      titleMetadata={customer.redacted ? <Badge tone="warning">Redacted</Badge> : null}
    >
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                  <Figure label="Orders" value={formatNumber(figures.orders)} />
                  <Figure label="Net spent" value={formatMoney(figures.net_spent, figures.currency)} />
                  <Figure label="First order" value={formatDate(figures.first_order_at)} />
                  <Figure label="Last order" value={formatDate(figures.last_order_at)} />
                </InlineGrid>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Timeline
                  </Text>
                  {timeline.length === 0 ? (
                    <Text as="p" tone="subdued">
                      Nothing yet: orders, refunds, abandoned checkouts and support contacts appear here as they happen. Use Log support contact to record a conversation with this customer.
                    </Text>
                  ) : (
                    <Timeline events={timeline} currency={figures.currency} />
                  )}
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              {analytics.data || analytics.error?.status === 404 ? (
                <Predictions facts={analytics.data?.customer} currency={figures.currency} />
              ) : (
                <SideCard title="Predictions" source={analytics} />
              )}
              {analytics.data?.segments?.length > 0 && (
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Segments
                    </Text>
                    <InlineStack gap="100">
                      {analytics.data.segments.map((segment) => (
                        <RouterLink key={segment.id} url={`/segments/${segment.id}`} style={{ textDecoration: "none" }}>
                          <Badge tone="info">{segment.name}</Badge>
                        </RouterLink>
                      ))}
                    </InlineStack>
                  </BlockStack>
                </Card>
              )}
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Tags
                  </Text>
                  {customer.tags.length ? (
                    <InlineStack gap="100">
                      {customer.tags.map((tag) => (
                        <Badge key={tag}>{tag}</Badge>
                      ))}
                    </InlineStack>
                  ) : (
                    <Text as="p" tone="subdued">
                      No tags.
                    </Text>
                  )}
                  <Text as="p" tone="subdued">
                    Email marketing: {customer.email_marketing ? humanize(customer.email_marketing.toLowerCase()) : "unknown"}
                  </Text>
                </BlockStack>
              </Card>
              <SideCard
                title="Recommended next"
                source={recommended}
                notFound={<NoRecommendations />}
              >
                {recommended.data?.recommendations?.length > 0 ? (
                  recommended.data.recommendations.slice(0, 6).map((item) => (
                    <Text as="p" key={`${item.kind}-${item.product_id}`}>
                      {item.title} <Text as="span" tone="subdued">({humanize(item.kind)})</Text>
                    </Text>
                  ))
                ) : (
                  <NoRecommendations />
                )}
              </SideCard>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
      <Modal open={logging} onClose={() => setLogging(false)} title={`Log a support contact with ${customer.name}`}>
        <Modal.Section>
          <SupportContactForm
            customer={customer}
            onSaved={() => {
              setLogging(false);
              refresh();
            }}
          />
        </Modal.Section>
      </Modal>
    </Page>
  );
}
