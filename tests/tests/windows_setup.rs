//! Issue 18, run by scripts/windows.sh under Wine against the Windows build: the NSIS setup
//! installs the window, the `surety` CLI and the font silently; the installed CLI keeps its
//! database in %APPDATA%\cn.gov.sd.suretydesk when given no other place, and prints a loan
//! contract in Chinese with the font it shipped with (the prefix has no drive onto the
//! Linux file system, so no other font can be reached). The uninstaller removes the
//! program and leaves the user's data.
//! Outside that script (an ordinary `cargo test`) it says so and does nothing: there is no
//! Windows build to try.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use surety_e2e::cli::{arg_path, temp_dir, under_wine};

fn wine(exe: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new("wine")
        .arg(exe)
        .args(args)
        .envs(env.iter().copied())
        .env("WINEDEBUG", "-all")
        .output()
        .expect("wine");
    assert!(
        out.status.success(),
        "{} {args:?}: {}\n{}",
        exe.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn drive_c() -> PathBuf {
    PathBuf::from(std::env::var_os("WINEPREFIX").expect("WINEPREFIX (scripts/windows.sh sets it)"))
        .join("drive_c")
}

#[test]
fn the_setup_installs_the_app_the_cli_and_the_font_and_the_cli_prints_with_it() {
    if !under_wine() {
        eprintln!("not under Wine: the Windows setup is tried by scripts/windows.sh --test");
        return;
    }
    let setup = PathBuf::from(std::env::var_os("SURETY_SETUP").expect("SURETY_SETUP"));
    let size = std::fs::metadata(&setup).unwrap().len();
    assert!(
        size > 10_000_000,
        "the setup carries the programs and the font: {size} bytes"
    );

    // A silent install where a person would put it.
    let dir = drive_c().join("Program Files").join("Surety Desk");
    let _ = std::fs::remove_dir_all(&dir);
    wine(&setup, &["/S", r"/D=C:\Program Files\Surety Desk"], &[]);
    for file in [
        "surety-desk.exe",
        "surety.exe",
        "uninstall.exe",
        "fonts/NotoSansCJKsc-Regular.otf",
        "fonts/LICENSE-OFL.txt",
    ] {
        assert!(dir.join(file).is_file(), "installed: {file}");
    }
    let license = std::fs::read_to_string(dir.join("fonts/LICENSE-OFL.txt")).unwrap();
    assert!(license.contains("SIL OPEN FONT LICENSE Version 1.1"));
    // Wine 8 has no ProcessPrng: the test's stand-in goes beside the installed CLI (the
    // setup never carries it).
    let shim = PathBuf::from(std::env::var_os("SURETY_BIN").unwrap())
        .with_file_name("bcryptprimitives.dll");
    std::fs::copy(&shim, dir.join("bcryptprimitives.dll")).unwrap();

    // The installed CLI, given no database: %APPDATA%\cn.gov.sd.suretydesk.
    let cli = dir.join("surety.exe");
    let roaming = drive_c().join("users");
    let appdata_db = std::fs::read_dir(&roaming)
        .unwrap()
        .map(|u| {
            u.unwrap()
                .path()
                .join("AppData/Roaming/cn.gov.sd.suretydesk/surety.db")
        })
        .find(|p| {
            p.parent()
                .map(|d| d.parent().is_some_and(Path::exists))
                .unwrap_or(false)
        })
        .expect("a user profile with AppData\\Roaming");
    if let Some(folder) = appdata_db.parent() {
        let _ = std::fs::remove_dir_all(folder);
    }
    wine(
        &cli,
        &["demo", "--cases", "30"],
        &[
            ("SURETY_PASSWORD", "demo-pilot-2016"),
            ("SURETY_TEST_FAST_KDF", "1"),
        ],
    );
    assert!(
        appdata_db.is_file(),
        "the demo database in %APPDATA%: {}",
        appdata_db.display()
    );
    assert!(
        appdata_db.with_file_name("surety.db.keys").is_file(),
        "its key file beside it"
    );

    // Its files are given an owner-only access-control list. Wine keeps no DACL as set (it
    // folds it into Unix modes and reads back one made from them, with SYSTEM in it), so
    // here the check can only show the list is read and names the user; the SDDL rule is
    // unit-tested in surety-winacl and the README's Windows checklist has `private: true`.
    let checked = wine(
        &cli,
        &["--user", "admin", "audit", "check"],
        &[("SURETY_PASSWORD", "demo-pilot-2016")],
    );
    let checked: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    let files = checked["files"].as_array().unwrap();
    assert!(files.len() >= 2, "the database and its key file: {checked}");
    assert!(
        files[0]["file"]
            .as_str()
            .unwrap()
            .starts_with("C:\\users\\"),
        "{checked}"
    );
    for f in files {
        let sddl = f["protection"].as_str().unwrap();
        assert!(
            sddl.starts_with("D:") && sddl.contains(";FA;;;S-1-5-21-"),
            "{checked}"
        );
    }
    assert_eq!(
        (&checked["audit"]["ok"], &checked["integrity"]),
        (&serde_json::json!(true), &serde_json::json!("ok"))
    );

    let listed = wine(
        &cli,
        &["case", "list", "--limit", "100"],
        &[("SURETY_PASSWORD", "demo-pilot-2016")],
    );
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    // An ICBC case whose loan contract exists: approved or anything after.
    let case = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["case_no"].as_str().unwrap().starts_with("ICBC")
                && ![
                    "intake",
                    "investigation",
                    "joint_review",
                    "decision",
                    "declined",
                    "withdrawn",
                ]
                .contains(&r["status"].as_str().unwrap())
        })
        .expect("an ICBC demo case past approval")["case_no"]
        .as_str()
        .unwrap()
        .to_string();
    let out_dir = temp_dir();
    let pdf = out_dir.path().join("借款合同.pdf");
    wine(
        &cli,
        &[
            "--user",
            "bo-icbc",
            "print",
            "loan_contract",
            "--case",
            &case,
            "--out",
            &arg_path(&pdf),
        ],
        &[("SURETY_PASSWORD", "demo-pilot-2016")],
    );
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace([' ', '\n'], "");
    assert!(text.contains("借款合同") && text.contains(&case), "{text}");
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    assert!(
        String::from_utf8_lossy(&fonts.stdout).contains("SURETY+NotoSansCJKsc-Regular"),
        "set in the shipped face"
    );

    // Uninstalled: the program goes, the user's database stays.
    std::fs::remove_file(dir.join("bcryptprimitives.dll")).unwrap();
    wine(
        &dir.join("uninstall.exe"),
        &["/S", r"_?=C:\Program Files\Surety Desk"],
        &[],
    );
    assert!(
        !dir.join("surety-desk.exe").exists(),
        "the program is removed"
    );
    assert!(appdata_db.is_file(), "the user's data is kept");
}
