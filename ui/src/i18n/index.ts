import { createI18n } from "vue-i18n";
import zhCN from "./zh-CN";
import en from "./en";

export type Locale = "zh-CN" | "en";
export const LOCALES: Locale[] = ["zh-CN", "en"];
const STORAGE_KEY = "surety.locale";

export function savedLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === "en" ? "en" : "zh-CN";
}

export function rememberLocale(locale: Locale) {
  globalThis.localStorage?.setItem(STORAGE_KEY, locale);
}

export function makeI18n(locale: Locale = savedLocale()) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: "zh-CN",
    messages: { "zh-CN": zhCN, en },
  });
}
