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
  /** Once signed in, the installation's settings say which cities are in the pilot. */
  let pilotFromSession = false;

  function load(): Promise<void> {
    loading ??= commands.appInfo().then((info) => {
      statuses.value = info.statuses ?? [];
      kinds.value = info.borrower_kinds ?? [];
      if (!pilotFromSession) cities.value = (info.cities ?? []).map((c) => c.code);
      methods.value = info.repayment_methods ?? [];
    });
    return loading;
  }

  function setPilotCities(codes: string[]) {
    if (codes.length === 0) return;
    pilotFromSession = true;
    cities.value = codes;
  }

  return { statuses, kinds, cities, methods, load, setPilotCities };
});
