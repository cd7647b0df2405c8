//! The crate boundaries of ARCHITECTURE.md, checked from `cargo metadata`: the front ends
//! (the window's shell, the CLI) depend on the service layer only, and nothing under
//! `src-tauri/crates/` knows about Tauri; the hub shares no desk-side crate.

use std::process::Command;

#[test]
fn front_ends_use_only_the_service_layer_and_no_library_crate_knows_tauri() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let deps = |name: &str| -> Vec<String> {
        let p = packages
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no package {name}"));
        p["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    for front_end in ["surety-desk", "surety-cli"] {
        let d = deps(front_end);
        assert!(d.contains(&"surety".to_string()), "{front_end}: {d:?}");
        for below in ["surety-store", "surety-domain", "surety-docs"] {
            assert!(
                !d.iter().any(|x| x == below),
                "{front_end} depends on {below} directly"
            );
        }
    }
    // The province's hub shares only the envelope format and the domain's calendars with
    // the desks: none of their service layer, store or documents.
    let hub = deps("surety-hub");
    for desk_side in ["surety", "surety-store", "surety-docs"] {
        assert!(
            !hub.iter().any(|x| x == desk_side),
            "surety-hub depends on {desk_side}"
        );
    }
    // The UI's contract is the service layer's: the store and the domain derive no
    // TypeScript types, so nothing of theirs reaches the generated bindings.
    for below in ["surety-store", "surety-domain"] {
        assert!(
            !deps(below).iter().any(|d| d == "specta"),
            "{below} derives bindings types: they belong to surety::dto"
        );
    }
    for p in packages {
        let path = p["manifest_path"].as_str().unwrap();
        if path.contains("/src-tauri/crates/") {
            let name = p["name"].as_str().unwrap();
            assert!(
                !deps(name).iter().any(|d| d.starts_with("tauri")),
                "{name} (a library under src-tauri/crates) depends on Tauri"
            );
        }
    }
}
