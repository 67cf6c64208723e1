import { NavMenu } from "@shopify/app-bridge-react";
import { Frame, Navigation, Spinner, Box } from "@shopify/polaris";
import {
  ChartVerticalIcon,
  ChatIcon,
  ClockIcon,
  HomeIcon,
  PersonIcon,
  PersonAddIcon,
  GiftCardIcon,
  ProductIcon,
  SettingsIcon,
  TargetIcon,
} from "@shopify/polaris-icons";
import { Suspense, lazy } from "react";
import { isEmbedded } from "./session.js";
import { matchPath, useRouter } from "./router.jsx";
import Home from "./pages/Home.jsx";

// Pages other than home load on demand, keeping the initial bundle small.
const Segments = lazy(() => import("./pages/Segments.jsx"));
const SegmentDetail = lazy(() => import("./pages/SegmentDetail.jsx"));
const SegmentNew = lazy(() => import("./pages/SegmentNew.jsx"));
const Customers = lazy(() => import("./pages/Customers.jsx"));
const CustomerProfile = lazy(() => import("./pages/CustomerProfile.jsx"));
const Leads = lazy(() => import("./pages/Leads.jsx"));
const Referrals = lazy(() => import("./pages/Referrals.jsx"));
const Recommendations = lazy(() => import("./pages/Recommendations.jsx"));
const Support = lazy(() => import("./pages/Support.jsx"));
const Activity = lazy(() => import("./pages/Activity.jsx"));
const Settings = lazy(() => import("./pages/Settings.jsx"));
const NotFound = lazy(() => import("./pages/NotFound.jsx"));

export const NAV = [
  { url: "/", label: "Home", icon: HomeIcon, exact: true },
  { url: "/segments", label: "Segments", icon: TargetIcon },
  { url: "/customers", label: "Customers", icon: PersonIcon },
  { url: "/leads", label: "Leads", icon: PersonAddIcon },
  { url: "/referrals", label: "Referrals", icon: GiftCardIcon },
  { url: "/recommendations", label: "Recommendations", icon: ProductIcon },
  { url: "/support", label: "Support", icon: ChatIcon },
  { url: "/activity", label: "Activity", icon: ClockIcon },
  { url: "/settings", label: "Settings", icon: SettingsIcon },
];

const ROUTES = [
  ["/", Home],
  ["/segments", Segments],
  ["/segments/new", SegmentNew],
  ["/segments/:id", SegmentDetail],
  ["/customers", Customers],
  ["/customers/:id", CustomerProfile],
  ["/leads", Leads],
  ["/referrals", Referrals],
  ["/recommendations", Recommendations],
  ["/support", Support],
  ["/activity", Activity],
  ["/settings", Settings],
];

function currentPage(path) {
  for (const [pattern, Component] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params) return <Component params={params} />;
  }
  return <NotFound />;
}

function Fallback() {
  return (
    <Box padding="800">
      <Spinner accessibilityLabel="Loading page" size="large" />
    </Box>
  );
}

export default function App() {
  const { path } = useRouter();
  const page = <Suspense fallback={<Fallback />}>{currentPage(path)}</Suspense>;
  if (isEmbedded()) {
    // Inside the admin, Shopify draws the navigation from App Bridge's menu.
    return (
      <>
        <NavMenu>
          <a href="/" rel="home">
            Home
          </a>
          {NAV.slice(1).map((item) => (
            <a key={item.url} href={item.url}>
              {item.label}
            </a>
          ))}
        </NavMenu>
        {page}
      </>
    );
  }
  const navigation = (
    <Navigation location={path}>
      <Navigation.Section
        title="Orbit CRM"
        items={NAV.map((item) => ({
          url: item.url,
          label: item.label,
          icon: item.icon,
          exactMatch: item.exact,
          selected: item.exact ? path === item.url : path.startsWith(item.url),
        }))}
      />
    </Navigation>
  );
  return <Frame navigation={navigation}>{page}</Frame>;
}
