import { ElMessage } from "element-plus";
import { save } from "@tauri-apps/plugin-dialog";
import { useI18n } from "vue-i18n";
import { commands, type CaseListInput } from "../../api";
import { call } from "../../api/result";
import { mismatch, text, useFormDialog } from "../../components/useFormDialog";

/**
 * 导出 Excel: case data leaves the app encrypted, so the export first asks for the file's
 * password (twice), then where to save (native dialog), then writes every case the filter
 * matches, in the list's order. Render `open`/`form` with a FormDialog.
 */
export function useCaseExport() {
  const { t } = useI18n();
  const { open, form, show } = useFormDialog();
  function start(filter: () => CaseListInput) {
    show(t("export.title"), [
      { key: "password", label: t("export.password"), kind: "password", placeholder: t("export.hint") },
      { key: "again", label: t("export.again"), kind: "password" },
    ], async (v) => {
      if (text(v, "password") !== text(v, "again")) throw mismatch(t("export.differ"), "again");
      const path = await save({ defaultPath: t("cases.exportName"), filters: [{ name: "Excel", extensions: ["xlsx"] }] });
      if (!path) return;
      await call(commands.exportCases(filter(), path, text(v, "password")));
      ElMessage.success(t("cases.exported", { path }));
    });
  }
  return { open, form, start };
}
