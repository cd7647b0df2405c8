import { createRouter, createWebHashHistory } from "vue-router";
import DashboardPage from "./pages/dashboard/DashboardPage.vue";
import CasesPage from "./pages/cases/CasesPage.vue";
import CaseDetailPage from "./pages/cases/CaseDetailPage.vue";
import IntakePage from "./pages/cases/IntakePage.vue";
import StatisticsPage from "./pages/statistics/StatisticsPage.vue";
import SettingsPage from "./pages/settings/SettingsPage.vue";

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
      { path: "/settings", component: SettingsPage },
    ],
  });
}
