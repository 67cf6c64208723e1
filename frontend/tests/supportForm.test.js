import { describe, expect, it } from "vitest";
import { contactPayload, emptyContact, validateContact } from "../src/logic/supportForm.js";

describe("support contact form rules", () => {
  it("asks for the customer, the reason and the first-contact answer", () => {
    expect(Object.keys(validateContact(emptyContact())).sort()).toEqual([
      "customer_id",
      "reason",
      "resolved_first_contact",
    ]);
  });

  it("sends unanswered scores as null and trims text", () => {
    const form = { ...emptyContact("42"), reason: "  Sizing ", resolved: false, csat: "4", note: "  " };
    expect(validateContact(form)).toEqual({});
    expect(contactPayload(form)).toEqual({
      customer_id: 42,
      channel: "email",
      reason: "Sizing",
      resolved_first_contact: false,
      csat: 4,
      effort: null,
      note: null,
    });
  });
});
