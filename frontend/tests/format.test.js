import { describe, expect, it } from "vitest";
import { humanize, timeAgo } from "../src/format.js";

describe("formatting", () => {
  it("humanizes keys and keeps acronyms", () => {
    expect(humanize("google_ads")).toBe("Google ads");
    expect(humanize("pos")).toBe("POS");
    expect(humanize("")).toBe("");
  });

  it("says how long ago", () => {
    const now = Date.parse("2026-12-03T12:00:00Z");
    expect(timeAgo(null, now)).toBe("never");
    expect(timeAgo("2026-12-03T11:59:30Z", now)).toBe("just now");
    expect(timeAgo("2026-12-03T11:00:00Z", now)).toBe("1 hour ago");
    expect(timeAgo("2026-12-01T12:00:00Z", now)).toBe("2 days ago");
  });
});
