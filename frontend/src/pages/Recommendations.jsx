import { Badge, BlockStack, Card, DataTable, InlineGrid, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { useState } from "react";
import { Empty, ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import { formatDateTime, formatNumber, formatPercent } from "../format.js";
import { useApi } from "../useApi.js";

const PAGE_SIZE = 25;

function Figure({ label, value, help }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          {value}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Recommendations() {
  const [offset, setOffset] = useState(0);
  const { data, error, loading, reload } = useApi(
    `/api/recommendations/products?${new URLSearchParams({ limit: PAGE_SIZE, offset })}`,
  );
  if (loading && !data) return <LoadingPage title="Recommendations" />;
  if (error && !data) {
    // Nothing to list after a failed first load: the banner with its retry, not an "empty" claim.
    return (
      <Page title="Recommendations">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load the recommendations" />
      </Page>
    );
  }
  const products = data?.products ?? [];
  const coverage = data?.coverage;
  return (
    <Page title="Recommendations" subtitle="Products bought together, written to the metafield your theme reads.">
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load the recommendations" />
        {coverage && (
          <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
            <Figure
              label="Coverage"
              value={formatPercent(coverage.share * 100)}
              help={`Active products with at least ${coverage.at_least} recommendations`}
            />
            <Figure label="Products covered" value={`${formatNumber(coverage.covered_products)} of ${formatNumber(coverage.active_products)}`} help="Active products in your catalogue" />
            <Figure label="Last built" value={data.computed_at ? formatDateTime(data.computed_at) : "—"} help="Rebuilt as orders arrive and nightly" />
          </InlineGrid>
        )}
        <Card padding="0">
          {products.length === 0 ? (
            <Empty heading="No recommendations yet" action={{ content: "See activity", url: "/activity" }}>
              Orbit builds bought-together lists once it has enough orders with two or more products.
            </Empty>
          ) : (
            <DataTable
              columnContentTypes={["text", "text"]}
              headings={["Product", "Bought together (lift · support)"]}
              verticalAlign="top"
              rows={products.map((product) => [
                <Text as="span" fontWeight="semibold" key="t">
                  {product.title || `Product ${product.product_id}`}
                </Text>,
                <BlockStack gap="100" key="r">
                  {product.recommendations.length === 0 ? (
                    <Text tone="subdued">None above the minimum support</Text>
                  ) : (
                    product.recommendations.map((item) => (
                      <InlineStack gap="200" key={item.product_id} wrap={false}>
                        <Text as="span">{item.title || `Product ${item.product_id}`}</Text>
                        <Badge tone={item.lift >= 2 ? "success" : undefined}>{`lift ${item.lift.toFixed(2)}`}</Badge>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {`support ${formatPercent(item.support * 100)}`}
                        </Text>
                      </InlineStack>
                    ))
                  )}
                </BlockStack>,
              ])}
            />
          )}
          {products.length === PAGE_SIZE || offset > 0 ? (
            <div style={{ padding: 12, display: "flex", justifyContent: "center" }}>
              <Pagination
                hasPrevious={offset > 0}
                onPrevious={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
                hasNext={products.length === PAGE_SIZE}
                onNext={() => setOffset(offset + PAGE_SIZE)}
              />
            </div>
          ) : null}
        </Card>
      </BlockStack>
    </Page>
  );
}
