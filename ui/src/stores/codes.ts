import { defineStore } from "pinia";
import { ref } from "vue";
import { commands } from "../api";

/** The codes the service takes for cities, states, borrower kinds and repayment methods,
 * read once from `app_info`: the selects offer exactly what the service accepts. */
export const useCodesStore = defineStore("codes", () => {
  const statuses = ref<string[]>([]);
  const kinds = ref<string[]>([]);
  const cities = ref<string[]>([]);
  const methods = ref<string[]>([]);
  let loading: Promise<void> | null = null;

  function load(): Promise<void> {
    loading ??= commands.appInfo().then((info) => {
      statuses.value = info.statuses ?? [];
      kinds.value = info.borrower_kinds ?? [];
      cities.value = (info.cities ?? []).map((c) => c.code);
      methods.value = info.repayment_methods ?? [];
    });
    return loading;
  }

  return { statuses, kinds, cities, methods, load };
});
