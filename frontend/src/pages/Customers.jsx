import {
  Avatar,
  Badge,
  BlockStack,
  Card,
  IndexTable,
  InlineStack,
  Page,
  Pagination,
  Text,
  TextField,
  Icon,
} from "@shopify/polaris";
import { SearchIcon } from "@shopify/polaris-icons";
import { useEffect, useState } from "react";
import { Empty, ErrorBanner, LoadingCard } from "../components/PageStates.jsx";
import { formatNumber } from "../format.js";
import { useRouter, withQuery } from "../router.jsx";
import { useApi } from "../useApi.js";

const PAGE_SIZE = 25;

export function useDebounced(value, ms = 250) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export default function Customers() {
  const { navigate } = useRouter();
  const [query, setQuery] = useState(new URLSearchParams(window.location.search).get("q") || "");
  const [offset, setOffset] = useState(0);
  const debounced = useDebounced(query.trim());
  useEffect(() => setOffset(0), [debounced]);
  const params = new URLSearchParams({ q: debounced, limit: PAGE_SIZE, offset });
  const { data, error, loading, reload } = useApi(`/api/customers?${params}`);
  const customers = data?.customers ?? [];

  return (
    <Page title="Customers" subtitle="Search by name, email or tag, then open a customer's timeline.">
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not search your customers" />
        <Card padding="0">
          <BlockStack>
            <div style={{ padding: "12px" }}>
              <TextField
                label="Search customers"
                labelHidden
                placeholder="Search by name, email or tag"
                value={query}
                onChange={setQuery}
                prefix={<Icon source={SearchIcon} />}
                clearButton
                onClearButtonClick={() => setQuery("")}
                autoComplete="off"
                autoFocus
              />
            </div>
            {loading && !data ? (
              <LoadingCard lines={8} />
            ) : customers.length === 0 ? (
              debounced ? (
                <Empty heading={`No customers match “${debounced}”`}>
                  Try part of a name, a whole email address, or a tag exactly as it appears in Shopify.
                </Empty>
              ) : (
                <Empty heading="No customers imported yet" action={{ content: "See activity", url: "/activity" }}>
                  Orbit lists your customers once it has imported them from Shopify. The import starts on install;
                  follow its progress under Activity.
                </Empty>
              )
            ) : (
              <IndexTable
                resourceName={{ singular: "customer", plural: "customers" }}
                itemCount={customers.length}
                selectable={false}
                headings={[{ title: "Customer" }, { title: "Email" }, { title: "Location" }, { title: "Orders", alignment: "end" }, { title: "Tags" }]}
              >
                {customers.map((customer, index) => (
                  <IndexTable.Row
                    id={String(customer.id)}
                    key={customer.id}
                    position={index}
                    onClick={() => navigate(`/customers/${customer.id}`)}
                  >
                    <IndexTable.Cell>
                      <InlineStack gap="200" blockAlign="center" wrap={false}>
                        <Avatar customer size="sm" name={customer.name} />
                        <a
                          href={withQuery(`/customers/${customer.id}`)}
                          onClick={(event) => {
                            event.preventDefault();
                            event.stopPropagation();
                            navigate(`/customers/${customer.id}`);
                          }}
                          style={{ color: "inherit", fontWeight: 600, textDecoration: "none" }}
                        >
                          {customer.name}
                        </a>
                      </InlineStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{customer.email || "—"}</IndexTable.Cell>
                    <IndexTable.Cell>{[customer.city, customer.country].filter(Boolean).join(", ") || "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {formatNumber(customer.orders)}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack gap="100">
                        {customer.tags.slice(0, 3).map((tag) => (
                          <Badge key={tag}>{tag}</Badge>
                        ))}
                        {customer.tags.length > 3 && <Text as="span" tone="subdued">+{customer.tags.length - 3}</Text>}
                      </InlineStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            {data && data.total > PAGE_SIZE && (
              <div style={{ padding: "12px", display: "flex", justifyContent: "center" }}>
                <Pagination
                  hasPrevious={offset > 0}
                  onPrevious={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
                  hasNext={offset + PAGE_SIZE < data.total}
                  onNext={() => setOffset(offset + PAGE_SIZE)}
                  label={`${offset + 1}–${Math.min(offset + PAGE_SIZE, data.total)} of ${formatNumber(data.total)}`}
                />
              </div>
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
