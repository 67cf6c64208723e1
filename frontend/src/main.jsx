import "@shopify/polaris/build/esm/styles.css";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App.jsx";
import { RouterProvider } from "./router.jsx";
import { RouterLink } from "./components/RouterLink.jsx";
import { adoptDocumentToken } from "./session.js";
import { prefetch } from "./useApi.js";

adoptDocumentToken();
// Home is the usual landing page: ask for its figures while React starts.
if (window.location.pathname === "/") prefetch("/api/home");

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <AppProvider i18n={en} linkComponent={RouterLink}>
      <RouterProvider>
        <App />
      </RouterProvider>
    </AppProvider>
  </StrictMode>,
);
