export function formatMoney(amount, currency) {
  if (amount === null || amount === undefined) return "—";
  const value = Number(amount);
  if (!currency) return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(value);
}

export function formatNumber(value) {
  return value === null || value === undefined ? "—" : Number(value).toLocaleString();
}

export function formatPercent(value) {
  return value === null || value === undefined ? "—" : `${Number(value).toLocaleString(undefined, { maximumFractionDigits: 1 })}%`;
}

export function formatDate(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDateTime(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function timeAgo(iso, now = Date.now()) {
  if (!iso) return "never";
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  const units = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${unit}${count === 1 ? "" : "s"} ago`;
    }
  }
  return "just now";
}

const ACRONYMS = { pos: "POS", sms: "SMS", utm: "UTM", csat: "CSAT" };

export function humanize(text) {
  if (text && ACRONYMS[String(text).toLowerCase()]) return ACRONYMS[String(text).toLowerCase()];
  if (!text) return "";
  const spaced = String(text).replace(/[_/]/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
