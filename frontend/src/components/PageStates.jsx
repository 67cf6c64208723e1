import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Layout,
  SkeletonBodyText,
  SkeletonDisplayText,
  SkeletonPage,
  Text,
} from "@shopify/polaris";

// Shared states of every page: a skeleton while loading, a banner with a retry on error, and
// empty states that say what to do next. Thin wrappers, so a later move to Polaris web
// components stays local to this folder.

export function LoadingPage({ title }) {
  return (
    <SkeletonPage title={title} primaryAction>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={4} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={6} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export function LoadingCard({ lines = 4 }) {
  return (
    <Card>
      <SkeletonBodyText lines={lines} />
    </Card>
  );
}

export function ErrorBanner({ error, onRetry, title }) {
  if (!error) return null;
  const session = error.status === 401;
  return (
    <Banner
      tone="critical"
      title={session ? "Your session needs refreshing" : title || "Something went wrong loading this page"}
      action={{ content: session ? "Sign in again" : "Try again", onAction: session ? reloadApp : onRetry }}
    >
      <p>
        {session
          ? "Shopify could not confirm your session. Signing in again fetches a fresh one; nothing you saved is lost."
          : error.message}
      </p>
    </Banner>
  );
}

function reloadApp() {
  window.location.reload();
}

export function Empty({ heading, action, secondaryAction, children }) {
  return (
    <Box paddingBlock="800" paddingInline="400">
      <BlockStack gap="300" inlineAlign="center">
        <Text as="h2" variant="headingMd" alignment="center">
          {heading}
        </Text>
        <Box maxWidth="480px">
          <Text as="p" tone="subdued" alignment="center">
            {children}
          </Text>
        </Box>
        {(action || secondaryAction) && (
          <InlineStack gap="200" align="center">
            {secondaryAction && <Button {...actionProps(secondaryAction)}>{secondaryAction.content}</Button>}
            {action && (
              <Button variant="primary" {...actionProps(action)}>
                {action.content}
              </Button>
            )}
          </InlineStack>
        )}
      </BlockStack>
    </Box>
  );
}

function actionProps({ url, onAction }) {
  return url ? { url } : { onClick: onAction };
}
