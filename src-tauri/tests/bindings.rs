//! The UI calls Rust only through `ui/src/api/bindings.ts`, generated from the commands.
//! This fails when that file is stale; `UPDATE_BINDINGS=1` rewrites it.

use std::path::Path;

#[test]
fn typescript_bindings_match_the_rust_commands() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(surety_desk_lib::BINDINGS_PATH);
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        surety_desk_lib::export_bindings(&committed).unwrap();
        return;
    }
    let fresh = std::env::temp_dir().join(format!("surety-bindings-{}.ts", std::process::id()));
    surety_desk_lib::export_bindings(&fresh).unwrap();
    let want = std::fs::read_to_string(&fresh).unwrap();
    let _ = std::fs::remove_file(&fresh);
    let have = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        want == have,
        "ui/src/api/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p surety-desk --test bindings` and commit it"
    );
}
