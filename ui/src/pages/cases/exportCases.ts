import { save } from "@tauri-apps/plugin-dialog";
import { commands } from "../../api";
import { call } from "../../api/result";
import { listInput, type CaseFilters } from "./filters";

/**
 * Asks where to save (native dialog) and writes every case the filter matches as XLSX.
 * Returns the path, or null when the user closed the dialog.
 */
export async function exportCases(filters: CaseFilters, defaultName: string): Promise<string | null> {
  const path = await save({ defaultPath: defaultName, filters: [{ name: "Excel", extensions: ["xlsx"] }] });
  if (!path) return null;
  await call(commands.exportCases(listInput(filters), path));
  return path;
}
