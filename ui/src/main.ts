import { createApp } from "vue";
import { createPinia } from "pinia";
import ElementPlus from "element-plus";
import "element-plus/dist/index.css";
import "./style.css";
import App from "./App.vue";
import { makeI18n } from "./i18n";
import { makeRouter } from "./router";
import { commands } from "./api";

createApp(App).use(createPinia()).use(makeI18n()).use(makeRouter()).use(ElementPlus).mount("#app");
// Two frames after mounting, the first page is on screen and takes input: the moment the
// launch benchmark measures (benches/README.md).
requestAnimationFrame(() => requestAnimationFrame(() => void commands.windowReady()));
