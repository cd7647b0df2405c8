import { h } from "vue";
import { ElMessageBox } from "element-plus";

/**
 * Asks before a step that moves money or cannot be undone, with what will happen in
 * figures, one line each. Nothing is focused in the box, so an Enter meant for the page
 * does not confirm a payment; resolves false on Cancel, the close button or Escape.
 */
export async function confirmStep(
  title: string,
  lines: string[],
  labels: { ok: string; cancel: string },
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(
      h(
        "div",
        { "data-testid": "confirm-figures" },
        lines.map((line) => h("p", line)),
      ),
      title,
      {
        confirmButtonText: labels.ok,
        cancelButtonText: labels.cancel,
        confirmButtonClass: "confirm-ok",
        cancelButtonClass: "confirm-cancel",
        type: "warning",
        autofocus: false,
        closeOnClickModal: false,
        distinguishCancelAndClose: true,
      },
    );
    return true;
  } catch {
    return false;
  }
}
