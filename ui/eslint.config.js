// ESLint for the Vue 3 + TypeScript UI: the recommended rules of ESLint, typescript-eslint
// and eslint-plugin-vue; formatting is Prettier's (eslint-config-prettier turns off the
// rules it owns). The generated bindings are not linted.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pluginVue from "eslint-plugin-vue";
import prettier from "eslint-config-prettier";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "src/api/bindings.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs["flat/recommended"],
  {
    files: ["**/*.vue"],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Element Plus slot syntax and i18n keys in templates read better on one attribute line.
      "vue/max-attributes-per-line": "off",
      "vue/singleline-html-element-content-newline": "off",
      "vue/multi-word-component-names": "off",
    },
  },
  prettier,
);
