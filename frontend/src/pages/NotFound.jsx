import { Card, Page } from "@shopify/polaris";
import { Empty } from "../components/PageStates.jsx";

export default function NotFound() {
  return (
    <Page title="Page not found">
      <Card>
        <Empty heading="There's no page here" action={{ content: "Go to home", url: "/" }}>
          The link may be out of date. Use the navigation to find what you were looking for.
        </Empty>
      </Card>
    </Page>
  );
}
