import { forgetSessionToken, sessionToken } from "./session.js";

export class ApiError extends Error {
  constructor(message, status, fields = null, position = null) {
    super(message);
    this.status = status;
    this.fields = fields;
    this.position = position; // where in a segment rule the parser stopped, when it did
  }

  get isSession() {
    return this.status === 401;
  }
}

const RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request";

// Every call carries a session token. A 401 that asks for a retry (the token expired or was
// refused) gets one more try with a fresh token, as App Bridge does inside the admin.
export async function apiFetch(path, { method = "GET", body, signal } = {}) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const token = await sessionToken({ fresh: attempt > 0 });
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (response.status === 401 && response.headers.get(RETRY_HEADER) === "1" && attempt === 0) {
      forgetSessionToken();
      continue;
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const message =
        response.status === 401
          ? "Shopify could not confirm your session."
          : data?.error?.message || `The server answered ${response.status}.`;
      throw new ApiError(message, response.status, data?.error?.fields ?? null, data?.error?.position ?? null);
    }
    return data;
  }
  throw new ApiError("Shopify could not confirm your session.", 401);
}
