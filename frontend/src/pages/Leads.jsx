import { Page } from "@shopify/polaris";
import { NotYetAvailable } from "../components/NotYet.jsx";

export default function Leads() {
  return (
    <Page title="Leads" subtitle="Subscribers and cart abandoners ranked by projected value.">
      <NotYetAvailable
        what="Lead scores"
        next="Leads ranked by score, with the reason in words, appear here once Orbit's customer analytics run for your store. Meanwhile, find subscribers and abandoners under Customers."
      />
    </Page>
  );
}
