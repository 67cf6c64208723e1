import { Page } from "@shopify/polaris";
import { NotYetAvailable } from "../components/NotYet.jsx";

export default function Recommendations() {
  return (
    <Page title="Recommendations" subtitle="Products bought together, with lift and support.">
      <NotYetAvailable
        what="Recommendations"
        next="Orbit builds bought-together lists from your orders. They appear here, with their coverage, once the recommendations job has run."
      />
    </Page>
  );
}
