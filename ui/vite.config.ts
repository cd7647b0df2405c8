import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";

// Tauri serves ui/dist from inside the binary; the dev server is only for `tauri dev`.
export default defineConfig({
  plugins: [vue()],
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
});
