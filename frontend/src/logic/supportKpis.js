// The support KPIs' weekly points (GET /api/support/kpis -> weekly) as chart series. The four
// KPIs have three scales (percent, effort 1-7, contacts per 100 orders), so they are three charts:
// one shared axis would flatten effort against percentages. A week without contacts has no value
// (null), which the chart draws as a gap rather than a fall to zero.

function weekLabel(iso) {
  return new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

function points(weekly, field) {
  return weekly.map((week) => ({ key: weekLabel(week.week), value: week[field] ?? null }));
}

export function supportKpiCharts(weekly = []) {
  return [
    {
      id: "rates",
      title: "CSAT and first-contact resolution",
      help: "Share of ratings that were 4 or 5, and of contacts resolved the first time",
      series: [
        { name: "CSAT %", data: points(weekly, "csat_percent") },
        { name: "First-contact resolution %", data: points(weekly, "first_contact_resolution_percent") },
      ],
    },
    {
      id: "effort",
      title: "Average customer effort",
      help: "1 (very easy) to 7 (very hard): lower is better",
      series: [{ name: "Average effort", data: points(weekly, "average_effort") }],
    },
    {
      id: "per-100",
      title: "Contacts per 100 orders",
      help: "Contacts logged for every 100 orders placed that week",
      series: [{ name: "Contacts per 100 orders", data: points(weekly, "contacts_per_100_orders") }],
    },
  ];
}

export function hasWeeklyContacts(weekly = []) {
  return weekly.some((week) => week.contacts > 0);
}
