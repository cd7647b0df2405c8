import { createApp } from "vue";
import { createPinia } from "pinia";
import { vLoading } from "element-plus";
// The base of every component (colours, fonts, sizes); each component brings its own styles.
import "element-plus/theme-chalk/base.css";
import "element-plus/es/components/loading/style/css";
import "./style.css";
import App from "./App.vue";
import { makeI18n } from "./i18n";
import { makeRouter } from "./router";
import { commands } from "./api";

createApp(App).use(createPinia()).use(makeI18n()).use(makeRouter()).directive("loading", vLoading).mount("#app");
// Two frames after mounting, the first page is on screen and takes input: the moment the
// launch benchmark measures (benches/README.md).
requestAnimationFrame(() => requestAnimationFrame(() => void commands.windowReady()));
