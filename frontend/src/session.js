// Session tokens: App Bridge inside the Shopify admin; outside it (development, the demo store,
// browser tests) the devstore mints one through /auth/dev-session-token.

function meta(name) {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") ?? "";
}

export function shopDomain() {
  return meta("orbit-shop");
}

export function isEmbedded() {
  return meta("orbit-mode") === "embedded" && typeof window.shopify?.idToken === "function";
}

// Standalone tokens live a minute; reuse one for a few seconds so a page's calls share it.
const REUSE_MS = 20_000;
let cached = null;

export async function sessionToken({ fresh = false } = {}) {
  if (isEmbedded()) return window.shopify.idToken();
  if (!fresh && cached && Date.now() - cached.at < REUSE_MS) return cached.token;
  const response = await fetch("/auth/dev-session-token?" + new URLSearchParams({ shop: shopDomain() }));
  if (!response.ok) throw new Error("Could not get a session token from the development store.");
  const token = (await response.json()).id_token;
  cached = { token, at: Date.now() };
  return token;
}

// The document was opened with an id token in its URL (the admin's load, or the sign-in page's):
// it is a session token too, so the first calls use it instead of asking for another.
export function adoptDocumentToken(search = window.location.search) {
  const token = new URLSearchParams(search).get("id_token");
  if (token && !isEmbedded()) cached = { token, at: Date.now() };
}

export function forgetSessionToken() {
  cached = null;
}
