import { save } from "@tauri-apps/plugin-dialog";
import { commands, type CaseListInput } from "../../api";
import { call } from "../../api/result";

/**
 * Asks where to save (native dialog) and writes every case the filter matches as XLSX,
 * in the list's order.
 * Returns the path, or null when the user closed the dialog.
 */
export async function exportCases(filter: CaseListInput, defaultName: string): Promise<string | null> {
  const path = await save({ defaultPath: defaultName, filters: [{ name: "Excel", extensions: ["xlsx"] }] });
  if (!path) return null;
  await call(commands.exportCases(filter, path));
  return path;
}
