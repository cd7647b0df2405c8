import { ref } from "vue";
import type { FormField, FormValues } from "./FormDialog.vue";
import { ServiceError } from "../api/result";

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

/** A check made in the form itself (two passwords differ), shown at its field like the
 * service's errors; the message is already in the current language. */
export const mismatch = (message: string, field: string) =>
  new ServiceError({ code: "INVALID_INPUT", field, message_zh: message, message_en: message });

/**
 * Whether Enter in this key event should submit the form around it: from any single-line
 * field, but not from a text area (a new line), a select or a date picker (they pick).
 */
export function enterSubmits(e: KeyboardEvent): boolean {
  return !(e.target as HTMLElement).closest("textarea, .el-select, .el-date-editor");
}
