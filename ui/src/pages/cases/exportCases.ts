import { ElMessage } from "element-plus";
import { useI18n } from "vue-i18n";
import { commands, type CaseListInput, type DeskError, type Printed } from "../../api";
import { call } from "../../api/result";
import { mismatch, text, useFormDialog } from "../../components/useFormDialog";

/**
 * 导出 Excel: case data leaves the app encrypted, so the export first asks for the file's
 * password (twice), then where to save (native dialog, run by the app in Rust), then writes every case the filter
 * matches, in the list's order. Render `open`/`form` with a FormDialog.
 */
export function useCaseExport() {
  const { open, form, run } = usePasswordExport();
  const start = (filter: () => CaseListInput) => run((password) => commands.exportCases(filter(), password));
  return { open, form, start };
}

/**
 * Any export of case data: the file's password (twice, compared here), then the app's save
 * dialog and the write (`write`, a command that takes the password). Render `open`/`form`
 * with a FormDialog.
 */
export function usePasswordExport() {
  const { t } = useI18n();
  const { open, form, show } = useFormDialog();
  type Outcome = { status: "ok"; data: Printed | null } | { status: "error"; error: DeskError };
  function run(write: (password: string) => Promise<Outcome>) {
    show(
      t("export.title"),
      [
        { key: "password", label: t("export.password"), kind: "password", placeholder: t("export.hint") },
        { key: "again", label: t("export.again"), kind: "password" },
      ],
      async (v) => {
        if (text(v, "password") !== text(v, "again")) throw mismatch(t("export.differ"), "again");
        const done = await call(write(text(v, "password")));
        if (!done) return;
        ElMessage.success(t("cases.exported", { path: done.path }));
      },
    );
  }
  return { open, form, run };
}
