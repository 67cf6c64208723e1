import { Card } from "@shopify/polaris";
import { Empty } from "./PageStates.jsx";

// A page whose data comes from a part of Orbit this installation does not run yet (the API
// answers 404): say so plainly instead of showing anything made up.
export function NotYetAvailable({ what, next }) {
  return (
    <Card>
      <Empty heading={`${what} aren't available in this version of Orbit yet`} action={{ content: "Back to home", url: "/" }}>
        {next}
      </Empty>
    </Card>
  );
}
