import {
  Badge,
  BlockStack,
  Box,
  Card,
  DataTable,
  Icon,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { ArrowRightIcon, CheckCircleIcon, MinusCircleIcon } from "@shopify/polaris-icons";
import { ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import { formatMoney, formatNumber, formatPercent, timeAgo, humanize } from "../format.js";
import { useApi } from "../useApi.js";

function Checklist({ items }) {
  const done = items.filter((item) => item.done).length;
  if (done === items.length) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Set up Orbit
          </Text>
          <Text as="span" tone="subdued">
            {done} of {items.length} done
          </Text>
        </InlineStack>
        <ProgressBar progress={(100 * done) / items.length} size="small" tone="primary" />
        <BlockStack gap="200">
          {items.map((item) => (
            <InlineStack key={item.key} gap="200" blockAlign="center" wrap={false}>
              <Box>
                <Icon source={item.done ? CheckCircleIcon : MinusCircleIcon} tone={item.done ? "success" : "subdued"} />
              </Box>
              {item.done ? (
                <Text as="span" tone="subdued">
                  {item.label}
                </Text>
              ) : (
                <Link url={item.url}>{item.label}</Link>
              )}
            </InlineStack>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

function Funnel({ stages }) {
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Customer cycle
          </Text>
          <Text as="p" tone="subdued">
            From a visit that reached checkout to a customer who brings friends. Each arrow shows the share
            that moved on to the next stage.
          </Text>
        </BlockStack>
        <InlineGrid columns={{ xs: 1, sm: 2, md: 5 }} gap="300">
          {stages.map((stage, index) => (
            <Box key={stage.key} background="bg-surface-secondary" padding="300" borderRadius="200">
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  {stage.label}
                </Text>
                <Text as="p" variant="headingXl" id={`stage-${stage.key}`}>
                  {stage.count === null ? "—" : formatNumber(stage.count)}
                </Text>
                {index > 0 && (
                  <InlineStack gap="100" blockAlign="center" wrap={false}>
                    <Box>
                      <Icon source={ArrowRightIcon} tone="subdued" />
                    </Box>
                    <Text as="span" tone="subdued">
                      {stage.conversion === null ? "—" : `${formatPercent(stage.conversion)} moved on`}
                    </Text>
                  </InlineStack>
                )}
                <Text as="p" variant="bodySm" tone="subdued">
                  {stage.count === null && stage.key === "advocates"
                    ? "Available when the referral program is switched on."
                    : stage.definition}
                </Text>
              </BlockStack>
            </Box>
          ))}
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

function Sources({ sources, visits, currency }) {
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Revenue by acquisition source
          </Text>
          <Text as="p" tone="subdued">
            Customers are credited to the source of their first order; repeat rate is the share who ordered again.
          </Text>
        </BlockStack>
        {sources.length === 0 ? (
          <Text as="p" tone="subdued">
            No orders imported yet. Once Orbit has imported your orders, each source's revenue and repeat rate appear here.
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={["Source", "Customers", "Repeat rate", "Net revenue"]}
            rows={sources.map((row) => [
              humanize(row.source),
              formatNumber(row.customers),
              formatPercent(row.repeat_rate),
              formatMoney(row.revenue, currency),
            ])}
          />
        )}
        {visits.length > 0 && (
          <Text as="p" variant="bodySm" tone="subdued">
            Visits that reached checkout, by source:{" "}
            {visits.map((row) => `${humanize(row.source)} ${formatNumber(row.visits)}`).join(" · ")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

function Freshness({ freshness }) {
  const backlogTone = freshness.backlog > 0 ? "attention" : "success";
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Data freshness
        </Text>
        <BlockStack gap="200">
          <InlineStack align="space-between">
            <Text as="span">Last webhook</Text>
            <Text as="span" tone="subdued">
              {timeAgo(freshness.last_webhook_at)}
            </Text>
          </InlineStack>
          <InlineStack align="space-between">
            <Text as="span">Last reconciliation</Text>
            <Text as="span" tone="subdued">
              {freshness.last_reconciliation_at ? timeAgo(freshness.last_reconciliation_at) : "not run yet"}
            </Text>
          </InlineStack>
          <InlineStack align="space-between">
            <Text as="span">Import</Text>
            <Text as="span" tone="subdued">
              {freshness.backfill_status ? humanize(freshness.backfill_status) : "not started"}
            </Text>
          </InlineStack>
          <InlineStack align="space-between" blockAlign="center">
            <Text as="span">Waiting to process</Text>
            <Badge tone={backlogTone}>{`${formatNumber(freshness.backlog)} updates`}</Badge>
          </InlineStack>
        </BlockStack>
        <Link url="/activity">See activity</Link>
      </BlockStack>
    </Card>
  );
}

export default function Home() {
  const { data, error, loading, reload } = useApi("/api/home");
  if (loading && !data) return <LoadingPage title="Home" />;
  return (
    <Page title="Home">
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load your figures" />
        {data && (
          <BlockStack gap="400">
            <Checklist items={data.checklist} />
            <Funnel stages={data.funnel} />
            <Layout>
              <Layout.Section>
                <Sources sources={data.sources} visits={data.visits_by_source} currency={data.currency} />
              </Layout.Section>
              <Layout.Section variant="oneThird">
                <Freshness freshness={data.freshness} />
              </Layout.Section>
            </Layout>
          </BlockStack>
        )}
      </BlockStack>
    </Page>
  );
}
