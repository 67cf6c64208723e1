import { Badge, BlockStack, Card, IndexTable, InlineStack, Page, SkeletonBodyText, Text } from "@shopify/polaris";
import { Suspense, lazy } from "react";
import { RouterLink } from "../components/RouterLink.jsx";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import { formatNumber } from "../format.js";
import { useRouter } from "../router.jsx";
import { useApi } from "../useApi.js";

const Sparkline = lazy(() => import("../components/Charts.jsx").then((m) => ({ default: m.Sparkline })));

export function sizeSeries(history = []) {
  // The segments API's size_history: [{day: "2026-11-30", size: 12}, ...], oldest first.
  return [{ name: "Members", data: history.map((point) => ({ key: point.day, value: point.size })) }];
}

export default function Segments() {
  const { navigate } = useRouter();
  const { data, error, loading, reload } = useApi("/api/segments");
  if (loading && !data) return <LoadingPage title="Segments" />;
  if (error && !data) {
    // Nothing to list after a failed first load: the banner with its retry, not an "empty" claim.
    return (
      <Page title="Segments">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load your segments" />
      </Page>
    );
  }
  const segments = data?.segments ?? [];
  return (
    <Page
      title="Segments"
      subtitle="Built-in and custom segments, kept current with every order."
      primaryAction={{ content: "Create segment", url: "/segments/new" }}
    >
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load your segments" />
        <Card padding="0">
          {segments.length === 0 ? (
            <Empty heading="No segments yet" action={{ content: "Create segment", url: "/segments/new" }}>
              Built-in segments appear after Orbit's first analytics run. You can also write your own rule now.
            </Empty>
          ) : (
            <IndexTable
              resourceName={{ singular: "segment", plural: "segments" }}
              itemCount={segments.length}
              selectable={false}
              headings={[
                { title: "Segment" },
                { title: "Members", alignment: "end" },
                { title: "Last 30 days" },
                { title: "Tag" },
              ]}
            >
              {segments.map((segment, index) => (
                <IndexTable.Row id={String(segment.id)} key={segment.id} position={index} onClick={() => navigate(`/segments/${segment.id}`)}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        {/* A real link, so the row is reachable by keyboard as well as by click. */}
                        <RouterLink url={`/segments/${segment.id}`} onClick={(event) => event.stopPropagation()} style={{ color: "inherit", textDecoration: "none" }}>
                          {segment.name}
                        </RouterLink>
                      </Text>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {segment.description || segment.definition}
                      </Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {formatNumber(segment.size)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {segment.size_history?.length > 1 ? (
                      <Suspense fallback={<SkeletonBodyText lines={1} />}>
                        <Sparkline series={sizeSeries(segment.size_history)} />
                      </Suspense>
                    ) : (
                      <Text as="span" tone="subdued">
                        —
                      </Text>
                    )}
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100" blockAlign="center">
                      <Text as="span">{segment.tag}</Text>
                      {segment.push_tag ? <Badge tone="success">Pushed</Badge> : <Badge>Not pushed</Badge>}
                    </InlineStack>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
