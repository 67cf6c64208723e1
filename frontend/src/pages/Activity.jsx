import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { useState } from "react";
import { apiFetch } from "../api.js";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import TagRefusals from "../components/TagRefusals.jsx";
import { pushOutcomeText } from "../logic/tagRefusals.js";
import { formatDateTime, formatNumber, humanize, timeAgo } from "../format.js";
import { useApi } from "../useApi.js";

const STATUS_TONE = { succeeded: "success", failed: "critical", running: "info", queued: undefined };

function Count({ label, value, tone }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" tone={tone}>
        {formatNumber(value)}
      </Text>
    </BlockStack>
  );
}

export default function Activity() {
  // Jobs move while the page is open: refresh every few seconds.
  const { data, error, loading, reload, refresh } = useApi("/api/activity", { pollMs: 5000 });
  const [retrying, setRetrying] = useState(null);
  // The last action that failed ({title, message, again}), shown once as a banner whose action
  // runs it again.
  const [actionError, setActionError] = useState(null);
  const [queueing, setQueueing] = useState(false);
  async function recompute() {
    setQueueing(true);
    setActionError(null);
    try {
      await apiFetch("/api/activity/recompute", { method: "POST" });
      refresh();
    } catch (failure) {
      setActionError({ title: "Orbit could not start the recompute", message: failure.message, again: recompute });
    } finally {
      setQueueing(false);
    }
  }
  async function retry(id) {
    setRetrying(id);
    setActionError(null);
    try {
      await apiFetch(`/api/activity/dead-letters/${id}/retry`, { method: "POST" });
      refresh();
    } catch (failure) {
      setActionError({ title: "Orbit could not retry that update", message: failure.message, again: () => retry(id) });
    } finally {
      setRetrying(null);
    }
  }
  if (loading && !data) return <LoadingPage title="Activity" />;
  const day = data?.webhooks.last_24_hours;
  return (
    <Page
      title="Activity"
      subtitle="Long jobs and the health of Shopify's updates to Orbit."
      primaryAction={{ content: "Recompute analytics", onAction: recompute, loading: queueing }}
    >
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load its activity" />
        {actionError && (
          <Banner
            tone="critical"
            title={actionError.title}
            action={{ content: "Try again", onAction: actionError.again }}
            onDismiss={() => setActionError(null)}
          >
            <p>{actionError.message}</p>
          </Banner>
        )}
        {data && (
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <Card padding="0">
                  <div style={{ padding: "16px 16px 0" }}>
                    <Text as="h2" variant="headingMd">
                      Jobs
                    </Text>
                  </div>
                  {data.jobs.length === 0 ? (
                    <Empty heading="No jobs have run yet">
                      Imports, recomputes and pushes to Shopify show here with their progress. The first import starts when
                      Orbit is installed.
                    </Empty>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "text", "text", "text"]}
                      headings={["Job", "Status", "Progress", "Started"]}
                      rows={data.jobs.map((job) => [
                        humanize(job.kind),
                        <BlockStack key="s" gap="100">
                          <Badge tone={STATUS_TONE[job.status]}>{humanize(job.status)}</Badge>
                          {pushOutcomeText(job.outcome) && (
                            <Text as="span" tone="subdued" variant="bodySm">
                              {pushOutcomeText(job.outcome)}
                            </Text>
                          )}
                          {job.error && (
                            <Text as="span" tone="critical" variant="bodySm">
                              {job.error}
                            </Text>
                          )}
                        </BlockStack>,
                        <div key="p" style={{ minWidth: 160 }}>
                          <BlockStack gap="100">
                            <ProgressBar
                              progress={job.percent ?? 0}
                              size="small"
                              tone={job.status === "failed" ? "critical" : job.status === "succeeded" ? "success" : "highlight"}
                              ariaLabelledBy={`job-${job.id}`}
                            />
                            <Text as="span" variant="bodySm" tone="subdued" id={`job-${job.id}`}>
                              {job.progress_total
                                ? `${formatNumber(job.progress_done)} of ${formatNumber(job.progress_total)}`
                                : `${formatNumber(job.progress_done)} done`}
                            </Text>
                          </BlockStack>
                        </div>,
                        formatDateTime(job.started_at || job.created_at),
                      ])}
                    />
                  )}
                </Card>
                {data.tag_refusals && <TagRefusals refusals={data.tag_refusals} />}
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Webhooks, last 24 hours
                    </Text>
                    <InlineGrid columns={2} gap="300">
                      <Count label="Received" value={day.received} />
                      <Count label="Processed" value={day.processed + day.ignored} />
                      <Count label="Waiting" value={day.pending} />
                      <Count label="Failed" value={day.failed + day.dead} tone={day.failed + day.dead ? "critical" : undefined} />
                    </InlineGrid>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {data.webhooks.last_received_at
                        ? `Last update from Shopify ${timeAgo(data.webhooks.last_received_at)}. All time: ${formatNumber(data.webhooks.all_time.received)} received.`
                        : "No updates from Shopify yet. They arrive as customers, orders and checkouts change in your store."}
                    </Text>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Dead letters
                    </Text>
                    {data.dead_letters.length === 0 ? (
                      <Text as="p" tone="subdued">
                        None. Updates that fail after their retries would wait here for you.
                      </Text>
                    ) : (
                      data.dead_letters.map((letter) => (
                        <BlockStack key={letter.id} gap="050">
                          <InlineStack align="space-between" blockAlign="center">
                            <Text as="p" fontWeight="semibold">
                              {letter.topic} <Badge tone="critical">{humanize(letter.status)}</Badge>
                            </Text>
                            <Button size="slim" loading={retrying === letter.id} onClick={() => retry(letter.id)} accessibilityLabel={`Retry ${letter.topic} update`}>
                              Retry
                            </Button>
                          </InlineStack>
                          <Text as="p" variant="bodySm" tone="subdued">
                            {formatDateTime(letter.received_at)} · {letter.attempts} attempts · {letter.last_error || "no error recorded"}
                          </Text>
                        </BlockStack>
                      ))
                    )}
                  </BlockStack>
                </Card>
              </BlockStack>
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </Page>
  );
}
