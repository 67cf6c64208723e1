import { describe, expect, it } from "vitest";
import { canSave, formErrors, locate, previewState } from "../src/logic/segmentEditor.js";

describe("segment editor logic", () => {
  it("places an error at its line and column with a caret", () => {
    const definition = "number_of_orders >= 3\nAND last_order_date > -90x";
    expect(locate(definition, definition.indexOf("-90x"))).toEqual({
      line: 2,
      column: 23,
      text: "AND last_order_date > -90x",
      caret: " ".repeat(22) + "^",
    });
  });

  it("clamps positions outside the text", () => {
    expect(locate("abc", 99)).toMatchObject({ line: 1, column: 4 });
    expect(locate("abc", -5)).toMatchObject({ line: 1, column: 1 });
  });

  it("turns the preview's answer into the editor's state", () => {
    expect(previewState("  ", {})).toEqual({ status: "empty" });
    expect(previewState("x >", { error: { message: "expected a value", position: 3 } })).toMatchObject({
      status: "invalid",
      message: "expected a value",
      where: { column: 4 },
    });
    expect(previewState("number_of_orders > 1", { count: 12, sample: [{ id: 1 }] })).toEqual({
      status: "valid",
      count: 12,
      sample: [{ id: 1 }],
    });
  });

  it("saves only a named, valid definition", () => {
    const valid = { status: "valid", count: 3 };
    expect(canSave({ name: "Loyal", definition: "number_of_orders > 3" }, valid)).toBe(true);
    expect(canSave({ name: " ", definition: "number_of_orders > 3" }, valid)).toBe(false);
    expect(canSave({ name: "Loyal", definition: "x >" }, { status: "invalid", message: "bad" })).toBe(false);
    expect(formErrors({ name: "Loyal", definition: "x >" }, { status: "invalid", message: "bad" })).toEqual({
      definition: "bad",
    });
  });
});
