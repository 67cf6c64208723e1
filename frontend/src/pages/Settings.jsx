import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { DeleteIcon, PlusIcon } from "@shopify/polaris-icons";
import { useCallback, useState } from "react";
import { apiFetch } from "../api.js";
import { ErrorBanner, LoadingPage } from "../components/PageStates.jsx";
import SegmentPushList from "../components/SegmentPushList.jsx";
import { shopifySegmentsHelp, withSaved } from "../logic/pushedSegments.js";
import {
  MAX_LOCATIONS,
  formFromSettings,
  isDirty,
  settingsPayload,
  tagPreview,
  validateSettings,
} from "../logic/settingsForm.js";
import { useApi } from "../useApi.js";

export function SettingsForm({ initial, onSave }) {
  const [form, setForm] = useState(() => formFromSettings(initial));
  const [saved, setSaved] = useState(() => formFromSettings(initial));
  const [errors, setErrors] = useState({});
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState(null);
  const dirty = isDirty(form, saved);

  const setLocation = (index, field) => (value) =>
    setForm((f) => ({ ...f, locations: f.locations.map((l, i) => (i === index ? { ...l, [field]: value } : l)) }));

  async function save() {
    const found = validateSettings(form);
    setErrors(found);
    setStatus(null);
    if (Object.keys(found).length) return;
    setSaving(true);
    try {
      const result = await onSave(settingsPayload(form));
      const next = formFromSettings(result.settings);
      setForm(next);
      setSaved(next);
      setStatus({ tone: "success", text: "Settings saved." });
    } catch (error) {
      if (error.fields) setErrors(error.fields);
      setStatus({ tone: "critical", text: error.fields ? "Check the highlighted fields." : error.message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <BlockStack gap="400">
        {status && (
          <Banner tone={status.tone} onDismiss={() => setStatus(null)}>
            <p>{status.text}</p>
          </Banner>
        )}
        <Layout>
          <Layout.AnnotatedSection
            title="Tags"
            description="Orbit writes segment tags to customers in Shopify with this prefix, and only ever changes tags that start with it."
          >
            <Card>
              <FormLayout>
                <TextField
                  label="Tag prefix"
                  value={form.tagPrefix}
                  onChange={(value) => setForm((f) => ({ ...f, tagPrefix: value }))}
                  error={errors.tag_prefix}
                  helpText={`For example, a VIP customer is tagged “${tagPreview(form.tagPrefix)}”. A new prefix replaces the tags Orbit pushed with the old one; other tags stay as they are.`}
                  autoComplete="off"
                />
                {form.shopifySegments !== undefined && (
                  <Checkbox
                    label="Keep Shopify segments in sync"
                    checked={form.shopifySegments}
                    onChange={(value) => setForm((f) => ({ ...f, shopifySegments: value }))}
                    error={errors.shopify_segments}
                    helpText={shopifySegmentsHelp(form.shopifySegments)}
                  />
                )}
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="Store locations"
            description="Local-customer segments and distance rules measure from the nearest of these locations."
          >
            <Card>
              <FormLayout>
                <TextField
                  label="Local customers live within"
                  type="number"
                  suffix="km"
                  value={form.localRadiusKm}
                  onChange={(value) => setForm((f) => ({ ...f, localRadiusKm: value }))}
                  error={errors.local_radius_km}
                  autoComplete="off"
                />
                {form.locations.length === 0 && (
                  <Text as="p" tone="subdued">
                    No locations yet. Add your shop or warehouse with its coordinates to use distance in segments.
                  </Text>
                )}
                {form.locations.map((location, index) => (
                  <FormLayout.Group key={index} condensed>
                    <TextField
                      label="Name"
                      value={location.name}
                      onChange={setLocation(index, "name")}
                      error={errors[`store_locations.${index}.name`]}
                      autoComplete="off"
                    />
                    <TextField
                      label="Latitude"
                      value={location.latitude}
                      onChange={setLocation(index, "latitude")}
                      error={errors[`store_locations.${index}.latitude`]}
                      autoComplete="off"
                      inputMode="decimal"
                    />
                    <TextField
                      label="Longitude"
                      value={location.longitude}
                      onChange={setLocation(index, "longitude")}
                      error={errors[`store_locations.${index}.longitude`]}
                      autoComplete="off"
                      inputMode="decimal"
                      connectedRight={
                        <Button
                          icon={DeleteIcon}
                          accessibilityLabel={`Remove ${location.name || "location"}`}
                          onClick={() => setForm((f) => ({ ...f, locations: f.locations.filter((_, i) => i !== index) }))}
                        />
                      }
                    />
                  </FormLayout.Group>
                ))}
                {errors.store_locations && <Text tone="critical">{errors.store_locations}</Text>}
                <InlineStack>
                  <Button
                    icon={PlusIcon}
                    disabled={form.locations.length >= MAX_LOCATIONS}
                    onClick={() =>
                      setForm((f) => ({ ...f, locations: [...f.locations, { name: "", latitude: "", longitude: "" }] }))
                    }
                  >
                    Add location
                  </Button>
                </InlineStack>
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
        <InlineStack align="end" gap="200">
          <Button disabled={!dirty || saving} onClick={() => { setForm(saved); setErrors({}); }}>
            Discard
          </Button>
          <Button variant="primary" submit disabled={!dirty} loading={saving}>
            Save
          </Button>
        </InlineStack>
      </BlockStack>
    </form>
  );
}

export default function Settings() {
  const { data, error, loading, reload } = useApi("/api/settings");
  const segments = useApi("/api/segments");
  // Settings and segments as last saved here, over what was loaded. Saved segments apply to the
  // list they were saved over; a reload of the list (after a new prefix) brings them itself.
  const [savedSettings, setSavedSettings] = useState(null);
  const [savedSegments, setSavedSegments] = useState({ list: null, byId: {} });
  const refreshSegments = segments.refresh;
  const saveSettings = useCallback(
    async (payload) => {
      const result = await apiFetch("/api/settings", { method: "PUT", body: payload });
      setSavedSettings(result.settings);
      refreshSegments(); // a new prefix changes every segment's tag
      return result;
    },
    [refreshSegments],
  );
  const loadedSegments = segments.data;
  const onSegmentSaved = useCallback(
    (segment) =>
      setSavedSegments((saved) => ({
        list: loadedSegments,
        byId: { ...(saved.list === loadedSegments ? saved.byId : {}), [segment.id]: segment },
      })),
    [loadedSegments],
  );
  if (loading && !data) return <LoadingPage title="Settings" />;
  const settings = savedSettings ?? data?.settings;
  const list = loadedSegments
    ? withSaved(loadedSegments.segments, savedSegments.list === loadedSegments ? savedSegments.byId : {})
    : null;
  return (
    <Page title="Settings" narrowWidth={false}>
      <BlockStack gap="400">
        <ErrorBanner error={error} onRetry={reload} title="Orbit could not load your settings" />
        {data && <SettingsForm initial={data.settings} onSave={saveSettings} />}
        <Layout>
          <Layout.AnnotatedSection
            id="segments-pushed"
            title="Segments pushed to Shopify"
            description="Orbit tags the members of each pushed segment in Shopify: it adds the tag when a customer joins and removes it when they leave. A switch here saves at once."
          >
            <SegmentPushList
              segments={list}
              loading={segments.loading}
              error={segments.error}
              onRetry={segments.reload}
              saveSegment={(id, body) => apiFetch(`/api/segments/${encodeURIComponent(id)}`, { method: "PATCH", body })}
              onSaved={onSegmentSaved}
              shopifySegments={Boolean(settings?.shopify_segments)}
            />
          </Layout.AnnotatedSection>
        </Layout>
      </BlockStack>
    </Page>
  );
}
