import { AppProvider, Frame } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import SegmentPushList from "../src/components/SegmentPushList.jsx";
import { pushSummary, shopifySegmentsHelp, withSaved } from "../src/logic/pushedSegments.js";

// Tags are what the API answers ("crm:" here, not a prefix built in the UI).
const SEGMENTS = [
  { id: 1, name: "VIP", tag: "crm:vip", push_tag: true, builtin: true, size: 12 },
  { id: 9, name: "Big spenders", tag: "crm:big-spenders", push_tag: false, builtin: false, size: 3 },
];

describe("pushed segments words and state", () => {
  it("summarises how many segments push", () => {
    expect(pushSummary(SEGMENTS)).toBe("1 of 2 segments tag their members in Shopify.");
    expect(pushSummary([{ ...SEGMENTS[0], push_tag: false }])).toMatch(/^No segment is pushed/);
  });

  it("puts a saved segment over the loaded one, leaving the others", () => {
    const saved = { ...SEGMENTS[1], push_tag: true };
    expect(withSaved(SEGMENTS, { 9: saved })).toEqual([SEGMENTS[0], saved]);
    expect(withSaved(SEGMENTS, {})).toEqual(SEGMENTS);
  });

  it("explains the Shopify segments switch in both states", () => {
    expect(shopifySegmentsHelp(true)).toMatch(/Each pushed segment has a Shopify segment/);
    expect(shopifySegmentsHelp(false)).toMatch(/^Turn on/);
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

// The list as the Settings page holds it: saved segments replace the loaded ones.
function Harness({ saveSegment, ...props }) {
  const [saved, setSaved] = useState({});
  return (
    <SegmentPushList
      segments={props.segments === null ? null : withSaved(props.segments ?? SEGMENTS, saved)}
      loading={false}
      error={null}
      onRetry={() => {}}
      saveSegment={saveSegment}
      onSaved={(segment) => setSaved((all) => ({ ...all, [segment.id]: segment }))}
      {...props}
      {...(props.segments === undefined ? {} : { segments: props.segments && withSaved(props.segments, saved) })}
    />
  );
}

function renderList(props) {
  return render(
    <AppProvider i18n={en}>
      <Frame>
        <Harness saveSegment={vi.fn()} {...props} />
      </Frame>
    </AppProvider>,
  );
}

describe("SegmentPushList", () => {
  it("lists built-in and custom segments with the API's tag and their push state", () => {
    renderList({});
    expect(screen.getByText("crm:vip")).toBeTruthy();
    expect(screen.getByText("crm:big-spenders")).toBeTruthy();
    expect(screen.getByText("Built-in")).toBeTruthy();
    expect(screen.getByText("Custom")).toBeTruthy();
    expect(screen.getByLabelText("Push VIP to Shopify").checked).toBe(true);
    expect(screen.getByLabelText("Push Big spenders to Shopify").checked).toBe(false);
    expect(screen.getByRole("link", { name: "Big spenders" }).getAttribute("href")).toMatch(/^\/segments\/9/);
  });

  it("saves one segment's push_tag, shows it saving, then the saved state and a toast", async () => {
    const answer = deferred();
    const saveSegment = vi.fn(() => answer.promise);
    renderList({ saveSegment });
    const box = screen.getByLabelText("Push Big spenders to Shopify");
    fireEvent.click(box);
    expect(saveSegment).toHaveBeenCalledWith(9, { push_tag: true });
    expect(box.checked).toBe(true);
    expect(screen.getByText("Saving…")).toBeTruthy();
    fireEvent.click(box); // ignored while the save runs
    expect(saveSegment).toHaveBeenCalledTimes(1);

    await act(async () => answer.resolve({ segment: { ...SEGMENTS[1], push_tag: true } }));
    expect(await screen.findByText("Pushing crm:big-spenders to Shopify")).toBeTruthy();
    expect(screen.getByLabelText("Push Big spenders to Shopify").checked).toBe(true);
    expect(screen.getByText("2 of 2 segments tag their members in Shopify.")).toBeTruthy();
    expect(screen.getByLabelText("Push VIP to Shopify").checked).toBe(true); // the other row untouched
  });

  it("shows a failed save on its row, puts the box back and retries the same change", async () => {
    const saveSegment = vi
      .fn()
      .mockRejectedValueOnce(new Error("The server answered 500."))
      .mockResolvedValueOnce({ segment: { ...SEGMENTS[0], push_tag: false } });
    renderList({ saveSegment });
    fireEvent.click(screen.getByLabelText("Push VIP to Shopify"));
    expect(await screen.findByText(/Orbit could not turn push off for VIP: The server answered 500./)).toBeTruthy();
    expect(screen.getByLabelText("Push VIP to Shopify").checked).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Try again: Push VIP to Shopify" }));
    await waitFor(() => expect(screen.getByLabelText("Push VIP to Shopify").checked).toBe(false));
    expect(saveSegment).toHaveBeenLastCalledWith(1, { push_tag: false });
    expect(screen.queryByText(/could not turn push off/)).toBeNull();
  });

  it("says when pushed segments are also Shopify segments", () => {
    renderList({ shopifySegments: true });
    expect(screen.getByText(/Each pushed segment is also a Shopify segment/)).toBeTruthy();
  });

  it("shows a skeleton while loading, only a banner with retry after a failed first load, and an empty state", () => {
    const { container, unmount } = renderList({ segments: null, loading: true });
    expect(container.querySelector(".Polaris-SkeletonBodyText")).toBeTruthy();
    unmount();

    const onRetry = vi.fn();
    const failed = renderList({ segments: null, error: new Error("Network down"), onRetry });
    expect(screen.getByText("Orbit could not load your segments")).toBeTruthy();
    expect(screen.queryByText("No segments yet")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalled();
    failed.unmount();

    renderList({ segments: [] });
    const empty = screen.getByText("No segments yet").closest("div");
    expect(within(document.body).getByRole("link", { name: "Create segment" })).toBeTruthy();
    expect(empty).toBeTruthy();
  });
});
