//! Tauri commands: deserialize, one call into the `surety` service layer, serialize.
//! No rule lives here; if a command grows logic, that logic belongs in `surety`.

#[tauri::command]
#[specta::specta]
pub fn app_info() -> surety::AppInfo {
    surety::app_info()
}
