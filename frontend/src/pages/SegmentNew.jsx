import { Page } from "@shopify/polaris";
import { apiFetch } from "../api.js";
import SegmentEditor from "../components/SegmentEditor.jsx";
import { useRouter } from "../router.jsx";

export default function SegmentNew() {
  const { navigate } = useRouter();
  return (
    <Page title="Create segment" backAction={{ content: "Segments", url: "/segments" }}>
      <SegmentEditor
        onSave={async (body) => {
          const { segment } = await apiFetch("/api/segments", { method: "POST", body });
          navigate(`/segments/${segment.id}`);
        }}
      />
    </Page>
  );
}
