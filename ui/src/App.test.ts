import { describe, expect, it, vi, beforeEach } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createPinia } from "pinia";
import ElementPlus from "element-plus";
import { makeI18n } from "./i18n";
import { makeRouter } from "./router";
import App from "./App.vue";

// Charts need a real canvas: stubbed here, drawn in the real window tests.
vi.mock("./components/EChart.vue", async () => {
  const { defineComponent, h } = await import("vue");
  return { __esModule: true, default: defineComponent({ render: () => h("div", { class: "chart-stub" }) }) };
});

// The Rust side is mocked here; the real window is tested end to end in tests/ (Rust).
vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string) => {
    if (cmd === "app_info") {
      return {
        name_zh: "保贷通",
        name_en: "Surety Desk",
        version: "9.9.9",
        statuses: ["intake", "disbursed"],
        borrower_kinds: ["micro_enterprise", "farmer"],
        repayment_methods: ["interest_monthly"],
        cities: [
          {
            code: "yantai",
            name_zh: "烟台",
            name_en: "Yantai",
            own_pilot: false,
            merged_into_zh: null,
            merged_into_en: null,
          },
          {
            code: "laiwu",
            name_zh: "莱芜",
            name_en: "Laiwu",
            own_pilot: false,
            merged_into_zh: "济南",
            merged_into_en: "Jinan",
          },
        ],
      };
    }
    if (cmd === "dashboard") {
      return {
        as_of: "2016-12-31",
        pipeline: [["disbursed", 3]],
        todo: [],
        loss_ratios: [],
        npl: [],
        disbursements: [],
      };
    }
    if (cmd === "session_info") {
      return {
        database: "/tmp/surety.db",
        database_exists: true,
        user: {
          id: 1,
          username: "admin",
          display_name: "系统管理员",
          role: "admin",
          organisation_id: null,
          active: true,
        },
        business_date: "2016-12-31",
        replay: true,
      };
    }
    throw new Error(`unexpected command ${cmd}`);
  }),
}));

async function mountApp() {
  const router = makeRouter();
  router.push("/dashboard");
  await router.isReady();
  const wrapper = mount(App, {
    global: { plugins: [createPinia(), makeI18n("zh-CN"), router, ElementPlus] },
    attachTo: document.body,
  });
  await flushPromises();
  await flushPromises();
  return wrapper;
}

describe("app shell", () => {
  beforeEach(() => localStorage.clear());

  it("shows the Chinese menu and data from the app_info command", async () => {
    const w = await mountApp();
    expect(w.get('[data-testid="menu-dashboard"]').text()).toBe("工作台");
    expect(w.get('[data-testid="app-version"]').text()).toBe("9.9.9");
    expect(w.get('[data-testid="city-count"]').text()).toBe("共 2 个试点市");
    w.unmount();
  });

  it("switches to English and remembers the choice", async () => {
    const w = await mountApp();
    await w.get('[data-testid="lang-en"] input').setValue(true);
    await flushPromises();
    expect(w.get('[data-testid="menu-dashboard"]').text()).toBe("Dashboard");
    expect(w.get('[data-testid="city-count"]').text()).toBe("2 pilot cities");
    expect(localStorage.getItem("surety.locale")).toBe("en");
    expect(w.get('[data-testid="lang-en"]').classes()).toContain("is-active");
    w.unmount();
  });
});
