import { Page } from "@shopify/polaris";
import { apiFetch } from "../api.js";
import SegmentEditor from "../components/SegmentEditor.jsx";
import { useRouter } from "../router.jsx";

export default function SegmentNew() {
  const { navigate } = useRouter();
  return (
    <Page title="Create segment" backAction={{ content: "Segments", url: "/segments" }}>
      <SegmentEditor
        onSave={async ({ push_tag: pushTag, ...body }) => {
          // Create first, then turn pushing on: the create endpoint takes name and rule only.
          const { segment } = await apiFetch("/api/segments", { method: "POST", body });
          if (pushTag) await apiFetch(`/api/segments/${segment.id}`, { method: "PATCH", body: { push_tag: true } });
          navigate(`/segments/${segment.id}`);
        }}
      />
    </Page>
  );
}
