import { useCallback, useEffect, useRef, useState } from "react";
import { apiFetch } from "./api.js";

// Calls started before React rendered (the home page's data, in main.jsx): the first load of
// that path takes the answer instead of asking again.
const early = new Map();

export function prefetch(path) {
  const promise = apiFetch(path);
  promise.catch(() => {}); // the page reports the error when it takes the promise
  early.set(path, promise);
}

function load(path, signal) {
  const waiting = early.get(path);
  if (waiting) {
    early.delete(path);
    return waiting;
  }
  return apiFetch(path, { signal });
}

// Load a path from the API; `reload` fetches again; `pollMs` refreshes while the page is open.
export function useApi(path, { pollMs = 0, skip = false } = {}) {
  const [state, setState] = useState({ data: null, error: null, loading: !skip });
  const [generation, setGeneration] = useState(0);
  const hasData = useRef(false);

  useEffect(() => {
    if (skip || !path) return undefined;
    const controller = new AbortController();
    // A poll refreshes quietly; only a first load or a retry shows the skeleton.
    if (!hasData.current) setState((s) => ({ ...s, loading: true, error: null }));
    load(path, controller.signal)
      .then((data) => {
        if (controller.signal.aborted) return;
        hasData.current = true;
        setState({ data, error: null, loading: false });
      })
      .catch((error) => {
        if (error.name === "AbortError" || controller.signal.aborted) return;
        setState((s) => ({ data: s.data, error, loading: false }));
      });
    let timer;
    if (pollMs) timer = setTimeout(() => setGeneration((g) => g + 1), pollMs);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [path, generation, pollMs, skip]);

  const reload = useCallback(() => {
    hasData.current = false;
    setGeneration((g) => g + 1);
  }, []);
  // Fetch again without the skeleton (after a save, the page keeps showing what it has).
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload, refresh };
}
