import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, SkeletonBodyText, SkeletonDisplayText, Tabs, Text } from "@shopify/polaris";
import { useState } from "react";
import { apiFetch } from "../api.js";
import { Empty, ErrorBanner, LoadingCard, LoadingPage } from "../components/PageStates.jsx";
import ReferralSettingsForm from "../components/ReferralSettingsForm.jsx";
import { RouterLink } from "../components/RouterLink.jsx";
import { formatDate, formatMoney, formatNumber, formatPercent, humanize } from "../format.js";
import { useApi } from "../useApi.js";

const STATUS_TONE = { earned: "success", review: "attention", rejected: "critical", void: undefined, pending: "info" };
const TABS = [
  { id: "all", content: "All" },
  { id: "pending", content: "Pending" },
  { id: "earned", content: "Earned" },
  { id: "rejected", content: "Rejected" },
  { id: "void", content: "Void" },
];

function ratio(value) {
  return value === null || value === undefined ? "—" : formatPercent(value * 100);
}

function Reasons({ reasons }) {
  if (!reasons?.length) return <Text tone="subdued">No findings</Text>;
  return (
    <BlockStack gap="050">
      {reasons.map((finding, index) => (
        <Text as="span" key={index} variant="bodySm">
          {finding.reason}
        </Text>
      ))}
    </BlockStack>
  );
}

const LEADERBOARD_SIZE = 10;

// A section's skeleton under its real heading, so the page keeps its shape while it loads.
function SectionSkeleton({ title, lines = 4 }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <SkeletonDisplayText size="small" />
        <SkeletonBodyText lines={lines} />
      </BlockStack>
    </Card>
  );
}

function TopAdvocates({ advocates, programOn }) {
  if (advocates.loading && !advocates.data) return <SectionSkeleton title="Top advocates" lines={5} />;
  const leaders = advocates.data?.advocates ?? [];
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Top advocates
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          By referred revenue
        </Text>
        <ErrorBanner error={advocates.error} onRetry={advocates.reload} title="Orbit could not load the advocates" />
        {advocates.error && !advocates.data ? null : leaders.length === 0 ? (
          <Text as="p" tone="subdued">
            {programOn
              ? "No advocates yet. Customers with a paid order get a referral code; share the program with your best customers to start."
              : "No advocates yet. Turn the referral program on in the settings below; customers with a paid order can then become advocates."}
          </Text>
        ) : (
          <ol style={{ margin: 0, paddingLeft: 20 }} aria-label="Top advocates by referred revenue">
            {leaders.map((a) => (
              <li key={a.id}>
                <InlineStack align="space-between" wrap={false}>
                  <Text as="span">
                    <RouterLink url={`/customers/${a.customer_id}`}>{a.customer_name}</RouterLink>{" "}
                    <Text as="span" tone="subdued">
                      {a.code}
                    </Text>
                  </Text>
                  <Text as="span" numeric>
                    {formatMoney(a.referred_revenue)}
                  </Text>
                </InlineStack>
              </li>
            ))}
          </ol>
        )}
      </BlockStack>
    </Card>
  );
}

function ReviewQueue({ queue, onDecided }) {
  const [busy, setBusy] = useState(null);
  const [failure, setFailure] = useState(null);
  async function decide(referral, action) {
    setBusy(`${referral.id}-${action}`);
    setFailure(null);
    try {
      await apiFetch(`/api/referrals/${referral.id}/${action}`, { method: "POST", body: {} });
      onDecided();
    } catch (error) {
      setFailure({ message: error.message, referral, action });
    } finally {
      setBusy(null);
    }
  }
  const rows = queue.data?.referrals ?? [];
  return (
    <Card padding="0">
      <div style={{ padding: "16px 16px 0" }}>
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {`Review queue (${formatNumber(queue.data?.total ?? 0)})`}
          </Text>
          <Text as="p" tone="subdued">
            Doubtful referrals wait here for you; Orbit never approves them by itself.
          </Text>
        </BlockStack>
      </div>
      {failure && (
        <div style={{ padding: "12px 16px 0" }}>
          <Banner
            tone="critical"
            title={`Orbit could not ${failure.action} the referral of ${failure.referral.friend.name}`}
            action={{ content: "Try again", onAction: () => decide(failure.referral, failure.action) }}
            onDismiss={() => setFailure(null)}
          >
            <p>{failure.message}</p>
          </Banner>
        </div>
      )}
      <ErrorBanner error={queue.error} onRetry={queue.reload} />
      {queue.loading && !queue.data ? (
        <LoadingCard />
      ) : rows.length === 0 ? (
        <Empty heading="Nothing to review">Referrals that look doubtful appear here with the reason.</Empty>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "numeric", "text", "text"]}
          headings={["Advocate", "Friend", "Order", "Why it is here", ""]}
          rows={rows.map((r) => [
            `${r.advocate.customer_name} (${r.advocate.code})`,
            r.friend.name,
            formatMoney(r.order_total, r.currency),
            <Reasons key="r" reasons={r.reasons} />,
            <InlineStack key="a" gap="200" wrap={false}>
              <Button size="slim" loading={busy === `${r.id}-approve`} onClick={() => decide(r, "approve")} accessibilityLabel={`Approve referral of ${r.friend.name}`}>
                Approve
              </Button>
              <Button size="slim" tone="critical" loading={busy === `${r.id}-reject`} onClick={() => decide(r, "reject")} accessibilityLabel={`Reject referral of ${r.friend.name}`}>
                Reject
              </Button>
            </InlineStack>,
          ])}
        />
      )}
    </Card>
  );
}

export default function Referrals() {
  const kpis = useApi("/api/referrals/kpis?days=90");
  const queue = useApi("/api/referrals/review?limit=50");
  // Ranked by the server over every advocate, not sorted here from a page of them.
  const advocates = useApi(`/api/referrals/advocates?${new URLSearchParams({ sort: "revenue", limit: LEADERBOARD_SIZE })}`);
  const settings = useApi("/api/referrals/settings");
  const [tab, setTab] = useState(0);
  const status = TABS[tab].id;
  const referrals = useApi(`/api/referrals?${new URLSearchParams(status === "all" ? { limit: 50 } : { status, limit: 50 })}`);
  if (kpis.loading && !kpis.data) return <LoadingPage title="Referrals" />;
  const k = kpis.data;
  return (
    <Page title="Referrals" subtitle="Customers bringing friends: codes, attribution, fraud checks and rewards.">
      <BlockStack gap="400">
        <ErrorBanner error={kpis.error} onRetry={kpis.reload} title="Orbit could not load the referral figures" />
        {k && (
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
            {[
              ["New customers referred", ratio(k.share_referred), `${formatNumber(k.referred_new_customers)} of ${formatNumber(k.new_customers)}, last 90 days`],
              ["Friend conversion", ratio(k.friend_conversion), `${formatNumber(k.referred_orders)} orders from ${formatNumber(k.clicks)} link clicks`],
              ["Referred revenue", formatMoney(k.referred_revenue), "Orders that came through referrals"],
              ["Reward cost", formatMoney(k.reward_cost), `${ratio(k.cost_to_revenue)} of referred revenue`],
            ].map(([label, value, help]) => (
              <Card key={label}>
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
            ))}
          </InlineGrid>
        )}
        <ReviewQueue
          queue={queue}
          onDecided={() => {
            queue.refresh();
            referrals.refresh();
            kpis.refresh();
          }}
        />
        <Layout>
          <Layout.Section>
            <Card padding="0">
              <Tabs tabs={TABS} selected={tab} onSelect={setTab}>
                <ErrorBanner error={referrals.error} onRetry={referrals.reload} />
                {referrals.loading && !referrals.data ? (
                  <LoadingCard />
                ) : (referrals.data?.referrals ?? []).length === 0 ? (
                  <Empty heading="No referrals here yet">Referred orders appear as friends use an advocate's code or link.</Empty>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "text", "text"]}
                    headings={["Date", "Advocate", "Friend", "Order", "Status", "Findings"]}
                    rows={referrals.data.referrals.map((r) => [
                      formatDate(r.ordered_at),
                      r.advocate.customer_name,
                      r.friend.customer_id ? <RouterLink key="f" url={`/customers/${r.friend.customer_id}`}>{r.friend.name}</RouterLink> : r.friend.name,
                      formatMoney(r.order_total, r.currency),
                      <Badge key="s" tone={STATUS_TONE[r.status]}>{humanize(r.status)}</Badge>,
                      <Reasons key="r" reasons={r.reasons} />,
                    ])}
                  />
                )}
              </Tabs>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <TopAdvocates advocates={advocates} programOn={settings.data?.settings?.enabled} />
              {settings.loading && !settings.data ? (
                <SectionSkeleton title="Program settings" lines={8} />
              ) : settings.data ? (
                <ReferralSettingsForm
                  initial={settings.data.settings}
                  onSave={(body) => apiFetch("/api/referrals/settings", { method: "PUT", body })}
                />
              ) : (
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Program settings
                    </Text>
                    <ErrorBanner error={settings.error} onRetry={settings.reload} title="Orbit could not load the program settings" />
                  </BlockStack>
                </Card>
              )}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
