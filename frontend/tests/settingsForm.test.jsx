import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { formFromSettings, isDirty, settingsPayload, tagPrefixError, validateSettings } from "../src/logic/settingsForm.js";
import { SettingsForm } from "../src/pages/Settings.jsx";

const SAVED = { tag_prefix: "orbit:", local_radius_km: 40, store_locations: [] };

describe("settings form rules", () => {
  it.each([
    ["orbit:", null],
    ["", "Enter a prefix, such as orbit:"],
    [" orbit:", "Remove the spaces at the start or end."],
    ["a,b", "Shopify separates tags with commas, so a prefix cannot contain one."],
    ["x".repeat(41), "Keep it to 40 characters or fewer."],
  ])("tag prefix %j", (prefix, message) => {
    expect(tagPrefixError(prefix)).toBe(message);
  });

  it("keys location errors like the API does", () => {
    const form = { tagPrefix: "orbit:", localRadiusKm: "0", locations: [{ name: "", latitude: "91", longitude: "abc" }] };
    expect(Object.keys(validateSettings(form)).sort()).toEqual([
      "local_radius_km",
      "store_locations.0.latitude",
      "store_locations.0.longitude",
      "store_locations.0.name",
    ]);
  });

  it("round-trips the API's settings and notices changes", () => {
    const form = formFromSettings({ ...SAVED, store_locations: [{ name: "A", latitude: 1.5, longitude: -2 }] });
    expect(settingsPayload(form)).toEqual({
      tag_prefix: "orbit:",
      local_radius_km: 40,
      store_locations: [{ name: "A", latitude: 1.5, longitude: -2 }],
    });
    expect(isDirty(form, form)).toBe(false);
    expect(isDirty({ ...form, tagPrefix: "crm:" }, form)).toBe(true);
  });
});

function renderForm(onSave) {
  return render(
    <AppProvider i18n={en}>
      <SettingsForm initial={SAVED} onSave={onSave} />
    </AppProvider>,
  );
}

describe("SettingsForm", () => {
  it("shows a rule's error at the field and does not save", async () => {
    const onSave = vi.fn();
    renderForm(onSave);
    fireEvent.change(screen.getByLabelText("Tag prefix"), { target: { value: "a,b" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText(/cannot contain one/)).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });

  it("saves a new location and shows the server's per-field errors in place", async () => {
    const onSave = vi
      .fn()
      .mockRejectedValueOnce(Object.assign(new Error("check"), { fields: { "store_locations.0.name": "Name taken." } }))
      .mockResolvedValueOnce({ settings: { ...SAVED, store_locations: [{ name: "Shop", latitude: 1, longitude: 2 }] } });
    renderForm(onSave);
    expect(screen.getByRole("button", { name: "Save" }).getAttribute("aria-disabled")).toBe("true"); // nothing changed yet
    fireEvent.click(screen.getByRole("button", { name: "Add location" }));
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Shop" } });
    fireEvent.change(screen.getByLabelText("Latitude"), { target: { value: "1" } });
    fireEvent.change(screen.getByLabelText("Longitude"), { target: { value: "2" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Name taken.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByText("Settings saved.")).toBeTruthy());
    expect(onSave).toHaveBeenLastCalledWith({
      tag_prefix: "orbit:",
      local_radius_km: 40,
      store_locations: [{ name: "Shop", latitude: 1, longitude: 2 }],
    });
    expect(screen.getByRole("button", { name: "Save" }).getAttribute("aria-disabled")).toBe("true"); // saved state is the new baseline
  });
});
