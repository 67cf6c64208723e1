import { Toast as PolarisToast } from "@shopify/polaris";
import { useEffect } from "react";

// A short confirmation after a save. Inside the admin, App Bridge shows it as Shopify's own toast
// (the page has no Polaris Frame there); standalone, Polaris draws it in the Frame.
export function Toast({ content, error = false, onDismiss }) {
  const appBridge = typeof window !== "undefined" ? window.shopify?.toast : undefined;
  useEffect(() => {
    if (!appBridge) return;
    appBridge.show(content, { isError: error });
    onDismiss();
  }, [appBridge, content, error, onDismiss]);
  if (appBridge) return null;
  return <PolarisToast content={content} error={error} onDismiss={onDismiss} />;
}
