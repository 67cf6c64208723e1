import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/api.js";
import SegmentEditor from "../src/components/SegmentEditor.jsx";

// The server's answers, as the segments API gives them: a count and sample, or a refusal that
// names the position where parsing stopped.
function previewServer() {
  return vi.fn(async ({ definition }) => {
    const bad = definition.indexOf("??");
    if (bad >= 0) throw new ApiError("expected a value", 422, null, bad);
    return { count: 42, sample: [] };
  });
}

function renderEditor(onSave, preview) {
  return render(
    <AppProvider i18n={en}>
      <SegmentEditor onSave={onSave} preview={preview} />
    </AppProvider>,
  );
}

describe("SegmentEditor", () => {
  it("shows a refused rule's error at its position and the count once it is fixed", async () => {
    const onSave = vi.fn().mockResolvedValue(undefined);
    const preview = previewServer();
    renderEditor(onSave, preview);
    const rule = screen.getByLabelText("Rule");

    fireEvent.change(rule, { target: { value: "number_of_orders >= ??" } });
    expect(await screen.findByText("expected a value", {}, { timeout: 2000 })).toBeTruthy();
    expect(screen.getByLabelText("Where the rule goes wrong").textContent).toBe(
      "line 1, column 21\nnumber_of_orders >= ??\n" + " ".repeat(20) + "^",
    );
    expect(screen.getByRole("button", { name: "Save segment" }).getAttribute("aria-disabled")).toBe("true");

    fireEvent.change(rule, { target: { value: "number_of_orders >= 3" } });
    expect(await screen.findByText("42 customers", {}, { timeout: 2000 })).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Save segment" }));
    expect(await screen.findByText("Name the segment.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: " Loyal " } });
    fireEvent.click(screen.getByRole("button", { name: "Save segment" }));
    await waitFor(() =>
      expect(onSave).toHaveBeenCalledWith({ name: "Loyal", definition: "number_of_orders >= 3", push_tag: false }),
    );
  });

  it("asks the server once per pause in typing, not once per keystroke", async () => {
    const preview = previewServer();
    renderEditor(vi.fn(), preview);
    const rule = screen.getByLabelText("Rule");
    for (const text of ["n", "nu", "num", "number_of_orders > 1"]) fireEvent.change(rule, { target: { value: text } });
    expect(await screen.findByText("42 customers", {}, { timeout: 2000 })).toBeTruthy();
    expect(preview).toHaveBeenCalledTimes(1);
    expect(preview).toHaveBeenCalledWith({ definition: "number_of_orders > 1" });
  });
});
