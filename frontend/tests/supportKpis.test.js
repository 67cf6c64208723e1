import { describe, expect, it } from "vitest";
import { hasWeeklyContacts, supportKpiCharts } from "../src/logic/supportKpis.js";

const WEEKLY = [
  { week: "2026-11-16T00:00:00+00:00", contacts: 0, csat_percent: null, first_contact_resolution_percent: null, average_effort: null, contacts_per_100_orders: 0 },
  { week: "2026-11-23T00:00:00+00:00", contacts: 2, csat_percent: 50, first_contact_resolution_percent: 100, average_effort: 3.5, contacts_per_100_orders: 12.5 },
];

describe("support KPI charts", () => {
  it("plots all four KPIs, on three scales", () => {
    const charts = supportKpiCharts(WEEKLY);
    expect(charts.map((c) => c.id)).toEqual(["rates", "effort", "per-100"]);
    expect(charts.flatMap((c) => c.series.map((s) => s.name))).toEqual([
      "CSAT %",
      "First-contact resolution %",
      "Average effort",
      "Contacts per 100 orders",
    ]);
    const [rates, effort, per100] = charts;
    expect(rates.series[0].data.map((p) => p.value)).toEqual([null, 50]);
    expect(effort.series[0].data).toEqual([
      { key: "Nov 16", value: null },
      { key: "Nov 23", value: 3.5 },
    ]);
    expect(per100.series[0].data.map((p) => p.value)).toEqual([0, 12.5]);
  });

  it("knows when there is nothing to plot yet", () => {
    expect(hasWeeklyContacts([])).toBe(false);
    expect(hasWeeklyContacts(WEEKLY.slice(0, 1))).toBe(false);
    expect(hasWeeklyContacts(WEEKLY)).toBe(true);
  });
});
