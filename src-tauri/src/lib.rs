//! The desktop shell: builds the Tauri app and registers the commands.

mod commands;

use tauri_specta::{collect_commands, Builder};

/// The command set, shared by the running app and the bindings export.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .disable_serde_phases()
        .commands(collect_commands![commands::app_info])
}

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/api/bindings.ts";

pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by tauri-specta. Do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p surety-desk --test bindings\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

pub fn run() {
    let builder = specta_builder();
    tauri::Builder::default()
        .invoke_handler(builder.invoke_handler())
        .run(tauri::generate_context!())
        .expect("Surety Desk could not start its window");
}
