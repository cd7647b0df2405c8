import { defineStore } from "pinia";
import { useI18n } from "vue-i18n";
import { computed } from "vue";
import zhCn from "element-plus/es/locale/lang/zh-cn";
import enLocale from "element-plus/es/locale/lang/en";
import { rememberLocale, type Locale } from "../i18n";

// One place owns the language: vue-i18n's locale, Element Plus's locale, and the saved choice.
export const useLocaleStore = defineStore("locale", () => {
  const { locale } = useI18n({ useScope: "global" });
  const current = computed(() => locale.value as Locale);
  const elementLocale = computed(() => (current.value === "en" ? enLocale : zhCn));
  function set(next: Locale) {
    locale.value = next;
    rememberLocale(next);
    document.documentElement.lang = next;
  }
  return { current, elementLocale, set };
});
