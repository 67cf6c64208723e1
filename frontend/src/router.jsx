import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";

// A small path router: pages are plain paths, the query (shop, host) is kept on every move so
// App Bridge and a reload still know the store.
const RouterContext = createContext({ path: "/", navigate: () => {} });

// The query every page keeps (shop, host, embedded...), without the one-time id token: a reload
// fetches a fresh one through the app home's patch page.
export function keptQuery() {
  const params = new URLSearchParams(window.location.search);
  params.delete("id_token");
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function withQuery(path) {
  return path + keptQuery();
}

export function RouterProvider({ children }) {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    // Drop the id token from the address bar once the document has used it.
    if (new URLSearchParams(window.location.search).has("id_token"))
      window.history.replaceState(window.history.state, "", withQuery(window.location.pathname));
  }, []);
  const navigate = useCallback((to) => {
    const [pathname, query] = to.split("?");
    const url = query ? `${pathname}?${query}` : withQuery(pathname);
    if (pathname !== window.location.pathname || query) window.history.pushState({}, "", url);
    setPath(pathname);
    window.scrollTo?.(0, 0);
  }, []);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    // App Bridge's navigation menu announces its moves with this event inside the admin.
    const onShopifyNavigate = (event) => {
      const href = event.target?.getAttribute?.("href");
      if (href) navigate(href);
    };
    window.addEventListener("popstate", onPop);
    document.addEventListener("shopify:navigate", onShopifyNavigate);
    return () => {
      window.removeEventListener("popstate", onPop);
      document.removeEventListener("shopify:navigate", onShopifyNavigate);
    };
  }, [navigate]);
  const value = useMemo(() => ({ path, navigate }), [path, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter() {
  return useContext(RouterContext);
}

export function matchPath(pattern, path) {
  const names = [];
  const regex = new RegExp(
    "^" + pattern.replace(/:([a-z]+)/g, (_, name) => (names.push(name), "([^/]+)")) + "/?$",
  );
  const match = regex.exec(path);
  if (!match) return null;
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1])]));
}
