//! Drives the `surety` binary as a person would: one process per command, JSON on
//! stdin, the password in SURETY_PASSWORD, the business date with --as-of.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn surety_binary() -> PathBuf {
    let path = std::env::var_os("SURETY_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::target_dir().join("surety"));
    assert!(
        path.exists(),
        "the CLI binary {} does not exist: run `cargo build -p surety-cli` first (the README's test command does)",
        path.display()
    );
    path
}

/// Issue 18: with `SURETY_WINE=1` (and `SURETY_BIN` naming `surety.exe`) every command runs
/// the Windows build under Wine, its folders under Wine's `C:` drive and every path it is
/// given in Windows form (`C:\surety-tests\…`).
pub fn under_wine() -> bool {
    std::env::var("SURETY_WINE").is_ok_and(|v| v == "1")
}

/// Wine's `C:` drive.
fn wine_c() -> PathBuf {
    let prefix = std::env::var_os("WINEPREFIX")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".wine")
        });
    prefix.join("drive_c")
}

/// A temporary folder for a test's files: under Wine's `C:` drive when testing the Windows
/// build, so that the program is handed `C:\…` paths.
pub fn temp_dir() -> tempfile::TempDir {
    if under_wine() {
        let root = wine_c().join("surety-tests");
        std::fs::create_dir_all(&root).expect("a folder on Wine's C: drive");
        tempfile::tempdir_in(root).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}

/// A path as the program under test is given it: itself, or its Windows form under Wine.
pub fn arg_path(path: &Path) -> String {
    let text = path.display().to_string();
    if !under_wine() {
        return text;
    }
    let c = wine_c().display().to_string();
    match text.strip_prefix(&c) {
        Some(rest) => format!("C:{}", rest.replace('/', "\\")),
        None if text.starts_with('/') => format!("Z:{}", text.replace('/', "\\")),
        None => text,
    }
}

/// What one run printed.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// The machine-readable error line on stderr.
    pub fn error(&self) -> Value {
        let line = self.stderr.lines().last().unwrap_or_default();
        serde_json::from_str::<Value>(line)
            .map(|v| v["error"].clone())
            .unwrap_or(Value::Null)
    }
}

pub const PASSWORD: &str = "pilot-password-2016";
/// The password every exported spreadsheet is locked with in the tests.
pub const EXPORT_PASSWORD: &str = "导出文件-2016";

/// An exported spreadsheet, decrypted with the tests' export password and opened.
pub fn open_export(path: &std::path::Path) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    let locked = std::fs::read(path).unwrap();
    let plain = office_crypto::decrypt_from_bytes(locked, EXPORT_PASSWORD).unwrap_or_else(|e| {
        panic!(
            "{} does not open with the export password: {e:?}",
            path.display()
        )
    });
    calamine::open_workbook_from_rs(std::io::Cursor::new(plain)).unwrap()
}

/// One database in a temporary folder; every user has `PASSWORD`.
/// A file name made of a label's letters and digits (others become `-`).
pub fn safe_name(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect()
}

pub struct Office {
    _dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Default for Office {
    fn default() -> Self {
        Office::new()
    }
}

impl Office {
    pub fn new() -> Office {
        let dir = temp_dir();
        let db = dir.path().join("surety.db");
        let office = Office { _dir: dir, db };
        let init = office.run(None, None, &["init", "--replay"], "");
        assert_eq!(init.code, 0, "surety init: {}", init.stderr);
        office
    }

    /// A production database (`surety init` without `--replay`): its business date is
    /// the real date.
    pub fn production() -> Office {
        let dir = temp_dir();
        let db = dir.path().join("surety.db");
        let office = Office { _dir: dir, db };
        let init = office.run(None, None, &["init"], "");
        assert_eq!(init.code, 0, "surety init: {}", init.stderr);
        office
    }

    /// An installation that already exists elsewhere (a demo's database).
    pub fn at(db: PathBuf) -> Office {
        Office {
            _dir: tempfile::tempdir().unwrap(),
            db,
        }
    }

    /// A temporary folder with no database yet (a laptop before `surety field init`).
    pub fn empty() -> Office {
        let dir = temp_dir();
        let db = dir.path().join("surety.db");
        Office { _dir: dir, db }
    }

    pub fn path(&self) -> &Path {
        &self.db
    }

    /// Runs `surety --db … [--user] [--as-of] args…` with `stdin`.
    pub fn run(
        &self,
        user: Option<&str>,
        as_of: Option<&str>,
        args: &[&str],
        stdin: &str,
    ) -> Outcome {
        self.run_as(user, PASSWORD, as_of, args, stdin)
    }

    /// The same, signing in with `password`.
    pub fn run_as(
        &self,
        user: Option<&str>,
        password: &str,
        as_of: Option<&str>,
        args: &[&str],
        stdin: &str,
    ) -> Outcome {
        self.run_with(user, password, as_of, args, stdin, &[])
    }

    /// The same with more environment (a passphrase, say).
    pub fn run_with(
        &self,
        user: Option<&str>,
        password: &str,
        as_of: Option<&str>,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
    ) -> Outcome {
        let mut cmd = if under_wine() {
            let mut c = Command::new("wine");
            c.arg(surety_binary()).env("WINEDEBUG", "-all");
            c
        } else {
            Command::new(surety_binary())
        };
        cmd.arg("--db").arg(arg_path(&self.db));
        if let Some(u) = user {
            cmd.args(["--user", u]);
        }
        if let Some(d) = as_of {
            cmd.args(["--as-of", d]);
        }
        // Paths given as arguments go in the form the program's system writes them.
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a.starts_with('/') {
                    arg_path(Path::new(a))
                } else {
                    a.to_string()
                }
            })
            .collect();
        let mut child = cmd
            .args(&args)
            .env("SURETY_PASSWORD", password)
            .env("SURETY_NEW_PASSWORD", PASSWORD)
            .env("SURETY_EXPORT_PASSWORD", EXPORT_PASSWORD)
            .env("SURETY_TEST_FAST_KDF", "1")
            // The caller's own settings win over the defaults above.
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run surety");
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        let out = child.wait_with_output().unwrap();
        Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and expects success; returns stdout as JSON.
    pub fn ok(&self, user: &str, as_of: &str, args: &[&str], stdin: Value) -> Value {
        let out = self.run(Some(user), Some(as_of), args, &stdin.to_string());
        assert_eq!(
            out.code,
            0,
            "`surety {}` as {user} on {as_of} failed:\n{}",
            args.join(" "),
            out.stderr
        );
        out.json()
    }

    /// Runs and expects a refusal with `code`; returns the outcome.
    pub fn refused(
        &self,
        user: &str,
        as_of: &str,
        args: &[&str],
        stdin: &str,
        code: &str,
    ) -> Outcome {
        let out = self.run(Some(user), Some(as_of), args, stdin);
        assert_ne!(
            out.code,
            0,
            "`surety {}` should have been refused: {}",
            args.join(" "),
            out.stdout
        );
        assert!(out.stdout.is_empty(), "nothing on stdout when refused");
        assert_eq!(out.error()["code"], code, "stderr: {}", out.stderr);
        assert!(
            out.stderr.contains("错误") && out.stderr.contains("error"),
            "bilingual: {}",
            out.stderr
        );
        out
    }
}
