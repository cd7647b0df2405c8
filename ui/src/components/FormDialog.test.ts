import { describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import ElementPlus from "element-plus";
import { defineComponent, h, ref } from "vue";
import FormDialog, { type FormField, type FormValues } from "./FormDialog.vue";
import { makeI18n } from "../i18n";
import { ServiceError } from "../api/result";

const FIELDS: FormField[] = [
  { key: "name", label: "名称", kind: "text" },
  { key: "note", label: "说明", kind: "textarea" },
];

function mountDialog(submit: (v: FormValues) => Promise<void>) {
  const open = ref(true);
  const Host = defineComponent({
    setup: () => () =>
      h(FormDialog, {
        modelValue: open.value,
        "onUpdate:modelValue": (v: boolean) => (open.value = v),
        title: "测试",
        fields: FIELDS,
        submit,
      }),
  });
  const w = mount(Host, { global: { plugins: [ElementPlus, makeI18n("zh-CN")] }, attachTo: document.body });
  return { w, open };
}

/** The newest match: each test mounts its own dialog into the body. */
const input = (sel: string) => [...document.body.querySelectorAll<HTMLElement>(sel)].pop()!;

describe("FormDialog", () => {
  it("Enter in a text field submits what was typed and closes the dialog", async () => {
    const submit = vi.fn(async () => {});
    const { w, open } = mountDialog(submit);
    await flushPromises();
    const name = input('[data-testid="input-name"]') as HTMLInputElement;
    name.value = "烟台金穗";
    name.dispatchEvent(new Event("input"));
    name.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await flushPromises();
    expect(submit).toHaveBeenCalledWith(expect.objectContaining({ name: "烟台金穗" }));
    expect(open.value).toBe(false);
    w.unmount();
  });

  it("Enter in a text area starts a new line instead", async () => {
    const submit = vi.fn(async () => {});
    const { w } = mountDialog(submit);
    await flushPromises();
    input("textarea").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await flushPromises();
    expect(submit).not.toHaveBeenCalled();
    w.unmount();
  });

  it("keeps the dialog open and marks the field the service's error names", async () => {
    const submit = vi.fn(async () => {
      throw new ServiceError({
        code: "INVALID_INPUT",
        field: "name",
        message_zh: "名称不能为空",
        message_en: "name is required",
      });
    });
    const { w, open } = mountDialog(submit);
    await flushPromises();
    input('[data-testid="form-ok"]').click();
    await flushPromises();
    expect(submit).toHaveBeenCalled();
    expect(open.value).toBe(true);
    // The field is marked (its message slides in through a transition the test DOM skips),
    // and the error is not shown a second time as a general alert.
    expect(input('[data-testid="field-name"]').classList).toContain("is-error");
    expect(document.body.querySelector('[data-testid="form-error"]')).toBeNull();
    w.unmount();
  });
});
