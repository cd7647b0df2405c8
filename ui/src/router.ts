import { createRouter, createWebHashHistory } from "vue-router";
import DashboardPage from "./pages/dashboard/DashboardPage.vue";

// The first page loads with the app; every other page's code when it is first opened.
const CasesPage = () => import("./pages/cases/CasesPage.vue");
const CaseDetailPage = () => import("./pages/cases/CaseDetailPage.vue");
const IntakePage = () => import("./pages/cases/IntakePage.vue");
const StatisticsPage = () => import("./pages/statistics/StatisticsPage.vue");
const SettingsPage = () => import("./pages/settings/SettingsPage.vue");
const BundlesPage = () => import("./pages/bundles/BundlesPage.vue");

// Hash history: the app is served from a custom protocol with no server-side routing.
export function makeRouter() {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: "/", redirect: "/dashboard" },
      { path: "/dashboard", component: DashboardPage },
      { path: "/cases", component: CasesPage },
      { path: "/cases/new", component: IntakePage },
      { path: "/cases/:no", component: CaseDetailPage },
      { path: "/statistics", component: StatisticsPage },
      { path: "/bundles", component: BundlesPage },
      { path: "/settings", component: SettingsPage },
    ],
  });
}
