import { ref } from "vue";
import type { FormField, FormValues } from "./FormDialog.vue";

/** State for one FormDialog on a page: `show` opens it with a form and what OK does. */
export function useFormDialog() {
  const open = ref(false);
  const form = ref<{ title: string; fields: FormField[]; submit: (v: FormValues) => Promise<void> }>({
    title: "",
    fields: [],
    submit: async () => {},
  });
  function show(title: string, fields: FormField[], submit: (v: FormValues) => Promise<void>) {
    form.value = { title, fields, submit };
    open.value = true;
  }
  return { open, form, show };
}

/** A form value as trimmed text (selects and inputs both give strings). */
export const text = (v: FormValues, key: string): string => String(v[key] ?? "").trim();
