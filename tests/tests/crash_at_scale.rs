//! Issue 17: at least 100 SIGKILLs, at moments spread over each command's run, during
//! intake, repayment, user changes and backup, through the real `surety` binary on one
//! database — bounded to about a minute. Whatever a command reported done (exit 0) is
//! there afterwards; the audit chain and SQLite's integrity check pass; a killed backup
//! leaves no file at its target (it appears whole, by rename, or not at all).

// Kill moments are fractions of a run's duration; money never is a float.
#![allow(clippy::float_arithmetic)]
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use surety_e2e::cli::{surety_binary, Office, PASSWORD};
use surety_e2e::pilot::*;

/// Runs `surety` as `user`, kills it after `delay` unless it finished first; the output
/// when it finished with exit 0.
fn run_or_kill(
    o: &Office,
    user: &str,
    day: &str,
    args: &[&str],
    stdin: &str,
    delay: Duration,
) -> Option<String> {
    let mut child = Command::new(surety_binary())
        .arg("--db")
        .arg(o.path())
        .args(["--user", user, "--as-of", day])
        .args(args)
        .env("SURETY_PASSWORD", PASSWORD)
        .env("SURETY_NEW_PASSWORD", PASSWORD)
        .env("SURETY_TEST_FAST_KDF", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let start = Instant::now();
    while start.elapsed() < delay {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
            return status.success().then_some(out);
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill();
    child.wait().unwrap();
    None
}

fn timed(o: &Office, user: &str, day: &str, args: &[&str], stdin: &str) -> Duration {
    let t = Instant::now();
    assert!(
        run_or_kill(o, user, day, args, stdin, Duration::from_secs(30)).is_some(),
        "{args:?}"
    );
    t.elapsed()
}

/// A fraction of `full` that walks over [0, 1.3) as `n` grows (a fixed, well-spread
/// sequence: the golden-ratio steps).
fn moment(full: Duration, n: u32) -> Duration {
    let x = (f64::from(n) * 0.618_033_988_75).fract() * 1.3;
    full.mul_f64(x)
}

#[test]
fn a_hundred_kills_lose_nothing_that_was_reported_done() {
    let o = pilot();
    let dir = tempfile::tempdir().unwrap();
    let loan = haide(&o, "500000", "2016-01-10");
    disbursed(&o, &YANTAI, &loan, "2016-01-10");
    let app = |i: u32| {
        let mut a = application(&YANTAI, "烟台福山果蔬合作社", CODE_B, "10000");
        a["borrower"]["phone"] = json!(format!("1380000{i:04}"));
        a.to_string()
    };
    let user = |i: u32| {
        json!({"username": format!("clerk{i}"), "display_name": "柜员", "role": "auditor"})
            .to_string()
    };
    let backup_path = |i: u32| dir.path().join(format!("backup-{i}.sdbk"));
    let day = "2016-01-20";
    let full = [
        timed(&o, "agent", day, &["case", "intake"], &app(10_000)),
        timed(
            &o,
            "bo-icbc",
            day,
            &["case", "repay"],
            &json!({"case_no": loan, "amount": "1.00"}).to_string(),
        ),
        timed(&o, "admin", day, &["user", "add"], &user(10_000)),
        timed(
            &o,
            "admin",
            day,
            &["backup", "--out", backup_path(10_000).to_str().unwrap()],
            "",
        ),
    ];
    let started = Instant::now();
    let (mut kills, mut rounds) = (0u32, 0u32);
    let mut intakes: Vec<String> = Vec::new();
    let mut repaid_done = 1u32; // the timing run's
    let mut users: Vec<String> = Vec::new();
    let mut backups: Vec<(u32, bool)> = Vec::new();
    while (kills < 100 || rounds < 400) && started.elapsed() < Duration::from_secs(70) {
        let n = rounds;
        let op = (n % 4) as usize;
        let delay = moment(full[op], n / 4);
        let done = match op {
            0 => run_or_kill(&o, "agent", day, &["case", "intake"], &app(n), delay).map(|out| {
                let v: Value = serde_json::from_str(&out).unwrap();
                intakes.push(v["case_no"].as_str().unwrap().to_string());
            }),
            1 => run_or_kill(
                &o,
                "bo-icbc",
                day,
                &["case", "repay"],
                &json!({"case_no": loan, "amount": "1.00"}).to_string(),
                delay,
            )
            .map(|_| repaid_done += 1),
            2 => run_or_kill(&o, "admin", day, &["user", "add"], &user(n), delay)
                .map(|_| users.push(format!("clerk{n}"))),
            _ => {
                let out = backup_path(n);
                let r = run_or_kill(
                    &o,
                    "admin",
                    day,
                    &["backup", "--out", out.to_str().unwrap()],
                    "",
                    delay,
                );
                backups.push((n, r.is_some()));
                r.map(|_| ())
            }
        };
        if done.is_none() {
            kills += 1;
        }
        rounds += 1;
    }
    eprintln!(
        "{rounds} commands, {kills} killed, in {:?}",
        started.elapsed()
    );
    assert!(kills >= 100, "only {kills} kills in {rounds} rounds");

    // Everything reported done is there.
    for c in &intakes {
        o.ok("auditor", day, &["case", "show", c], json!({}));
    }
    let shown = o.ok("auditor", day, &["case", "show", &loan], json!({}));
    let recorded = shown["repayments"].as_array().unwrap().len() as u32;
    assert!(
        recorded >= repaid_done,
        "{recorded} repayments recorded, {repaid_done} reported done"
    );
    let listed = o.ok("admin", day, &["user", "list"], json!({}));
    for u in &users {
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["username"] == u.as_str()),
            "{u} was added but is gone"
        );
    }
    // A backup is whole or absent: every file there opens as a backup of this installation.
    for (n, done) in &backups {
        let path = backup_path(*n);
        if *done {
            assert!(path.exists(), "backup {n} reported done but missing");
        }
        if path.exists() {
            assert_backup_is_whole(&o, &path);
        }
    }
    let check = o.ok("admin", day, &["audit", "check"], json!({}));
    assert_eq!(
        (&check["integrity"], &check["ok"]),
        (&json!("ok"), &json!(true)),
        "{check}"
    );
}

/// Restores `path` into a copy of the database's folder: it must open and check out.
fn assert_backup_is_whole(o: &Office, path: &Path) {
    let copy = tempfile::tempdir().unwrap();
    let db = copy.path().join("restored.db");
    let out = Command::new(surety_binary())
        .arg("--db")
        .arg(&db)
        .args([
            "--user",
            "admin",
            "restore",
            "--from",
            path.to_str().unwrap(),
        ])
        .env("SURETY_PASSWORD", PASSWORD)
        .env("SURETY_TEST_FAST_KDF", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} does not restore: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = o;
}
