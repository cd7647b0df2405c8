import { defineStore } from "pinia";
import { reactive, ref } from "vue";
import { emptyFilters } from "../pages/cases/filters";

/** The case list's search, sort and page, kept while the user opens a case and comes back
 * (返回 returns to the list as it was). Cleared when the user signs out. */
export const useCaseListStore = defineStore("caseList", () => {
  const filters = ref(emptyFilters());
  const sort = ref("applied_desc");
  const page = reactive({ current: 1, size: 20 });
  function $reset() {
    filters.value = emptyFilters();
    sort.value = "applied_desc";
    Object.assign(page, { current: 1, size: 20 });
  }
  return { filters, sort, page, $reset };
});
