//! The boundaries of ARCHITECTURE.md: from `cargo metadata`, the front ends (the window's
//! shell, the CLI) depend on the service layer only, nothing under `src-tauri/crates/`
//! knows about Tauri and the hub shares no desk-side crate; from the sources, the service
//! crate's folders import only the folders before them, no file passes 600 lines, the
//! product speaks of itself rather than of issue numbers, and the rule index is whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file below `dir`, skipping build output and the folders named in `skip`.
fn rust_files(dir: &Path, skip: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "target" && !skip.contains(&name.as_str()) {
                rust_files(&path, skip, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// A source file's code without its unit-test module (everything from `#[cfg(test)]`).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Small files, one job each: a file grows into a folder before it passes 600 lines.
#[test]
fn no_source_file_is_over_600_lines_outside_tests() {
    const LINES_PER_FILE_MAX: usize = 600;
    let mut files = Vec::new();
    rust_files(&repo().join("src-tauri"), &["tests"], &mut files);
    assert!(files.len() > 100, "found only {} files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = code_of(f).lines().count();
            (n > LINES_PER_FILE_MAX).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by what they do: {long:#?}");
}

/// The service crate's folders, lowest first, as `lib.rs`'s opening comment lists them; each
/// is a module of the crate.
fn service_folders(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let start = lib
        .find("lowest first")
        .expect("lib.rs lists its folders lowest first");
    let list: String = lib[start..]
        .lines()
        .take_while(|l| l.starts_with("//!") || l.contains("lowest first"))
        .collect::<Vec<_>>()
        .join(" ");
    let folders: Vec<String> = list
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| src.join(name).is_dir())
        .map(str::to_string)
        .collect();
    for f in &folders {
        assert!(
            lib.contains(&format!("mod {f};")),
            "lib.rs lists {f} but declares no such module"
        );
    }
    folders
}

/// Which service folders a folder's code names (`crate::<folder>`), unit tests aside.
fn imports_of(src: &Path, folder: &str, folders: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut files = Vec::new();
    rust_files(&src.join(folder), &[], &mut files);
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files {
        let code = code_of(&f);
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name != folder && folders.contains(&name) {
                let at = f.strip_prefix(src).unwrap().display().to_string();
                let users = found.entry(name).or_default();
                if !users.contains(&at) {
                    users.push(at);
                }
            }
        }
    }
    found
}

/// The folders a folder's `mod.rs` says it may use (`May use: `a`, `b`.`).
fn allowed_by_doc(src: &Path, folder: &str, folders: &[String]) -> Vec<String> {
    let doc = std::fs::read_to_string(src.join(folder).join("mod.rs")).unwrap();
    let Some(at) = doc.find("May use:") else {
        panic!("{folder}/mod.rs does not say which folders it may use (`May use: …`)");
    };
    let said: String = doc[at..]
        .lines()
        .take_while(|l| l.starts_with("//!") || l.starts_with("May use"))
        .collect::<Vec<_>>()
        .join(" ");
    if said.contains("every other folder") {
        return folders.iter().filter(|f| *f != folder).cloned().collect();
    }
    said.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The service crate is layered: a folder imports only the folders declared before it in
/// `lib.rs` and named in its own `mod.rs`, so no two folders import each other, directly
/// or round a cycle.
#[test]
fn service_folders_import_only_the_folders_before_them() {
    let src = repo().join("src-tauri/crates/surety/src");
    let folders = service_folders(&src);
    assert!(folders.len() >= 8, "folders: {folders:?}");
    let mut wrong = Vec::new();
    for (rank, folder) in folders.iter().enumerate() {
        let allowed = allowed_by_doc(&src, folder, &folders);
        for (used, files) in imports_of(&src, folder, &folders) {
            let used_rank = folders.iter().position(|f| *f == used).unwrap();
            if used_rank > rank {
                wrong.push(format!(
                    "{folder} imports {used}, which comes after it ({files:?})"
                ));
            } else if !allowed.contains(&used) {
                wrong.push(format!(
                    "{folder} imports {used}, which its mod.rs does not name ({files:?})"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Help texts, comments and docs say what the software does, not which issue built it.
#[test]
fn the_product_speaks_of_what_it_does_not_of_issue_numbers() {
    let root = repo();
    let mut files = Vec::new();
    rust_files(&root.join("src-tauri"), &["tests"], &mut files);
    let mut ui = Vec::new();
    collect_ui(&root.join("ui/src"), &mut ui);
    files.extend(ui);
    for doc in ["README.md", "ARCHITECTURE.md", "BENCHMARKS.md"] {
        files.push(root.join(doc));
    }
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if names_an_issue(line) {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

fn collect_ui(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_ui(&path, out);
        } else if path.extension().is_some_and(|e| e == "ts" || e == "vue") {
            out.push(path);
        }
    }
}

/// "issue 16", "Issue #3", "issues 15": the word, an optional space and `#`, a digit.
fn names_an_issue(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.match_indices("issue").any(|(i, _)| {
        let rest = lower[i + "issue".len()..].trim_start_matches('s');
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let rest = rest.strip_prefix('#').unwrap_or(rest);
        rest.starts_with(|c: char| c.is_ascii_digit())
    })
}

#[test]
fn an_issue_number_is_recognised_and_the_word_alone_is_not() {
    assert!(names_an_issue("built for issue 16"));
    assert!(names_an_issue("Issue #3: a thing"));
    assert!(names_an_issue("(issues 15)"));
    assert!(!names_an_issue("the insurer issues both policies"));
    assert!(!names_an_issue("issued on 2016-03-01"));
}

/// The rule index of ARCHITECTURE.md: every rule id the code names has a row, and every
/// `file.rs::function` in it exists.
#[test]
fn the_rule_index_names_every_rule_and_every_home_in_it_exists() {
    let root = repo();
    let arch = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let start = arch
        .find("## Rule index")
        .expect("ARCHITECTURE.md has a rule index");
    let index = &arch[start..];
    let index = &index[..index[3..].find("\n## ").map_or(index.len(), |i| i + 3)];
    let crates = root.join("src-tauri/crates");
    let columns = [
        crates.join("surety-domain/src"),
        crates.join("surety/src"),
        crates.join("surety-store/src"),
        root.join("tests/tests"),
    ];
    let mut rows = BTreeMap::new();
    let mut broken = Vec::new();
    for line in index.lines().filter(|l| l.starts_with("| R-")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // ["", rule, domain, service, store, test, ""]
        assert_eq!(cells.len(), 7, "a row of five cells: {line}");
        rows.insert(cells[1].to_string(), ());
        for (cell, base) in cells[2..6].iter().zip(&columns) {
            for home in cell.split('`').skip(1).step_by(2) {
                let Some((file, function)) = home.split_once("::") else {
                    broken.push(format!("{}: `{home}` is not file.rs::function", cells[1]));
                    continue;
                };
                let path = if file.starts_with("surety") {
                    crates.join(file)
                } else {
                    base.join(file)
                };
                match std::fs::read_to_string(&path) {
                    Err(_) => broken.push(format!("{}: no file {}", cells[1], path.display())),
                    Ok(text) if !text.contains(&format!("fn {function}")) => broken.push(format!(
                        "{}: no fn {function} in {}",
                        cells[1],
                        path.display()
                    )),
                    Ok(_) => {}
                }
            }
        }
    }
    assert!(rows.len() >= 25, "the index has {} rows", rows.len());
    assert!(broken.is_empty(), "{broken:#?}");
    // Every rule id the product's code names has its row.
    let mut files = Vec::new();
    rust_files(&root.join("src-tauri"), &["tests"], &mut files);
    let mut named = BTreeMap::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, _) in text.match_indices("R-") {
            let id: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            let id = id.trim_end_matches('-');
            let well_formed = id.len() > 4
                && id
                    .rsplit('-')
                    .next()
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
            let at_word_start = i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric();
            if well_formed && at_word_start {
                named
                    .entry(id.to_string())
                    .or_insert_with(|| f.display().to_string());
            }
        }
    }
    let missing: Vec<String> = named
        .iter()
        .filter(|(id, _)| !rows.contains_key(*id))
        .map(|(id, f)| format!("{id} (named in {f})"))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a row in the index: {missing:#?}"
    );
}
