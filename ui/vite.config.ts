import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import ElementPlus from "unplugin-element-plus/vite";

// Tauri serves ui/dist from inside the binary; the dev server is only for `tauri dev`.
// Element Plus is imported per component, with each component's own styles, where a page
// uses it (templates through the resolver, `ElMessage` and the like through the second
// plugin): the first page no longer parses every component and the whole style sheet, and
// the web process holds less (issue 17, BENCHMARKS.md).
// The unit tests install Element Plus whole (its styles are no business of theirs: Node
// cannot load the CSS files the two plugins would import).
export default defineConfig(({ mode }) => ({
  plugins: [
    vue(),
    ...(mode === "test"
      ? []
      : [
          Components({ resolvers: [ElementPlusResolver({ importStyle: "css" })], dts: false }),
          ElementPlus({ useSource: false }),
        ]),
  ],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari15",
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
  },
}));
