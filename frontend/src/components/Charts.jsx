import "@shopify/polaris-viz/build/esm/styles.css";
import { BarChart, LineChart, PolarisVizProvider, SparkLineChart } from "@shopify/polaris-viz";

// polaris-viz behind one thin module, loaded on demand by the pages that draw charts.

export function KpiLineChart({ series, height = 240 }) {
  return (
    <PolarisVizProvider themes={{ Light: { chartContainer: { backgroundColor: "transparent" } } }}>
      <div style={{ height }}>
        <LineChart data={series} theme="Light" isAnimated={false} showLegend={series.length > 1} />
      </div>
    </PolarisVizProvider>
  );
}

export function SimpleBars({ series, height = 220 }) {
  return (
    <PolarisVizProvider themes={{ Light: { chartContainer: { backgroundColor: "transparent" } } }}>
      <div style={{ height }}>
        <BarChart data={series} theme="Light" isAnimated={false} showLegend={false} />
      </div>
    </PolarisVizProvider>
  );
}

export function Sparkline({ series }) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 32, width: 120 }}>
        <SparkLineChart data={series} isAnimated={false} accessibilityLabel="Members over the last 30 days" />
      </div>
    </PolarisVizProvider>
  );
}

export default { KpiLineChart, SimpleBars, Sparkline };
