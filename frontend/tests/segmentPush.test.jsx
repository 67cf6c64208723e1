import { AppProvider, Frame } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import SegmentPushCard from "../src/components/SegmentPushCard.jsx";
import { pushSavedMessage, pushStateText } from "../src/logic/segmentPush.js";

// The tag is whatever the API answers (the server owns prefixes): "crm:vip" here, not "orbit:".
const SEGMENT = { id: 7, name: "VIP", tag: "crm:vip", push_tag: false };

describe("segment push words", () => {
  it("names the tag the API returns, in both states", () => {
    expect(pushStateText(SEGMENT)).toContain("crm:vip");
    expect(pushStateText({ ...SEGMENT, push_tag: true })).toMatch(/carry the tag crm:vip/);
    expect(pushSavedMessage({ ...SEGMENT, push_tag: true })).toBe("Pushing crm:vip to Shopify");
    expect(pushSavedMessage(SEGMENT)).toBe("Stopped pushing crm:vip");
  });
});

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function renderCard(onSave, onSaved = vi.fn(), segment = SEGMENT) {
  render(
    <AppProvider i18n={en}>
      <Frame>
        <SegmentPushCard segment={segment} onSave={onSave} onSaved={onSaved} />
      </Frame>
    </AppProvider>,
  );
  return onSaved;
}

describe("SegmentPushCard", () => {
  it("saves push_tag, shows that it is saving, then confirms with a toast", async () => {
    const answer = deferred();
    const onSave = vi.fn(() => answer.promise);
    const onSaved = renderCard(onSave);
    const box = screen.getByLabelText("Tag members in Shopify");
    expect(box.checked).toBe(false);
    expect(screen.getByText(/Turn push on to tag its members in Shopify as crm:vip/)).toBeTruthy();

    fireEvent.click(box);
    expect(onSave).toHaveBeenCalledWith({ push_tag: true });
    expect(screen.getByText("Saving…")).toBeTruthy();
    expect(box.checked).toBe(true);
    fireEvent.click(box); // a second change while saving is ignored, not sent
    expect(onSave).toHaveBeenCalledTimes(1);

    const saved = { ...SEGMENT, push_tag: true, tag: "crm:vip" };
    await act(async () => answer.resolve({ segment: saved }));
    expect(onSaved).toHaveBeenCalledWith(saved);
    expect(await screen.findByText("Pushing crm:vip to Shopify")).toBeTruthy();
    expect(screen.queryByText("Saving…")).toBeNull();
  });

  it("shows a failed save in a banner, puts the box back, and retries the same change", async () => {
    const onSave = vi
      .fn()
      .mockRejectedValueOnce(Object.assign(new Error("The server answered 500."), { status: 500 }))
      .mockResolvedValueOnce({ segment: { ...SEGMENT, push_tag: true } });
    const onSaved = renderCard(onSave);
    fireEvent.click(screen.getByLabelText("Tag members in Shopify"));

    expect(await screen.findByText("Orbit could not turn push on")).toBeTruthy();
    expect(screen.getByText("The server answered 500.")).toBeTruthy();
    expect(screen.getByLabelText("Tag members in Shopify").checked).toBe(false);
    expect(onSaved).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(onSave).toHaveBeenLastCalledWith({ push_tag: true });
    expect(screen.queryByText("Orbit could not turn push on")).toBeNull();
  });

  it("inside the admin, confirms through App Bridge's toast", async () => {
    const show = vi.fn();
    window.shopify = { toast: { show } };
    try {
      renderCard(() => Promise.resolve({ segment: { ...SEGMENT, push_tag: true } }), vi.fn(), SEGMENT);
      fireEvent.click(screen.getByLabelText("Tag members in Shopify"));
      await waitFor(() => expect(show).toHaveBeenCalledWith("Pushing crm:vip to Shopify", { isError: false }));
    } finally {
      delete window.shopify;
    }
  });
});
