//! Issue 17: `user add`, `user passwd` and `user reset` killed (SIGKILL) at moments spread
//! over their run, again and again. Whatever moment the kill hits, the installation stays
//! usable: an added user either exists and signs in, or does not exist and can be added
//! again (never stuck as USER_EXISTS / UNKNOWN_USER); a password change leaves exactly one
//! of the old and the new password working; the audit chain stays whole.

// Kill moments are fractions of a run's duration; money never is a float.
#![allow(clippy::float_arithmetic)]
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use surety_e2e::cli::{surety_binary, Office, PASSWORD};
use surety_e2e::pilot::pilot;

/// Starts `surety` as `user` (password `password`; `new_password` for the command's new
/// one), kills it after `delay` unless it finished, and says whether it had finished.
fn killed_after(
    o: &Office,
    user: &str,
    password: &str,
    new_password: &str,
    args: &[&str],
    stdin: &str,
    delay: Duration,
) -> bool {
    let mut child = Command::new(surety_binary())
        .arg("--db")
        .arg(o.path())
        .args(["--user", user])
        .args(args)
        .env("SURETY_PASSWORD", password)
        .env("SURETY_NEW_PASSWORD", new_password)
        .env("SURETY_TEST_FAST_KDF", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let start = Instant::now();
    let mut finished = false;
    while start.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            finished = true;
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill();
    child.wait().unwrap();
    finished
}

/// How long one run of the command takes here, to spread the kills over it.
fn duration_of(
    o: &Office,
    user: &str,
    password: &str,
    new: &str,
    args: &[&str],
    stdin: &str,
) -> Duration {
    let t = Instant::now();
    assert!(killed_after(
        o,
        user,
        password,
        new,
        args,
        stdin,
        Duration::from_secs(20)
    ));
    t.elapsed()
}

fn signs_in(o: &Office, user: &str, password: &str) -> bool {
    o.run_as(
        Some(user),
        password,
        Some("2016-01-10"),
        &["case", "list", "--limit", "1"],
        "",
    )
    .code
        == 0
}

const ROUNDS: u32 = 30;

#[test]
fn a_killed_user_add_leaves_the_name_usable() {
    let o = pilot();
    let input = |name: &str| {
        json!({"username": name, "display_name": "柜员", "role": "bank_officer", "organisation": "icbc-yt"})
            .to_string()
    };
    let full = duration_of(
        &o,
        "admin",
        PASSWORD,
        PASSWORD,
        &["user", "add"],
        &input("probe"),
    );
    let (mut completed, mut cut) = (0, 0);
    for i in 0..ROUNDS {
        let name = format!("clerk{i}");
        let delay = full.mul_f64(f64::from(i) / f64::from(ROUNDS - 1) * 1.2);
        if killed_after(
            &o,
            "admin",
            PASSWORD,
            PASSWORD,
            &["user", "add"],
            &input(&name),
            delay,
        ) {
            completed += 1;
        } else {
            cut += 1;
        }
        let list = o.ok("admin", "2016-01-10", &["user", "list"], json!({}));
        let listed = list
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == name.as_str());
        if listed {
            assert!(
                signs_in(&o, &name, PASSWORD),
                "{name} is listed but cannot sign in"
            );
        } else {
            // Not there: the name is free again.
            o.ok(
                "admin",
                "2016-01-10",
                &["user", "add"],
                serde_json::from_str(&input(&name)).unwrap(),
            );
            assert!(signs_in(&o, &name, PASSWORD), "{name} added again");
        }
    }
    assert!(cut > 0, "some runs were cut short ({completed} completed)");
    assert_eq!(
        o.ok("admin", "2016-01-10", &["audit", "verify"], json!({}))["ok"],
        true
    );
}

#[test]
fn a_killed_password_change_or_reset_leaves_exactly_one_password() {
    let o = pilot();
    let mut current = PASSWORD.to_string();
    let full = duration_of(
        &o,
        "bo-icbc",
        &current,
        "teller-pass-0",
        &["user", "passwd"],
        "",
    );
    current = "teller-pass-0".into();
    let mut cut = 0;
    for i in 0..ROUNDS {
        let next = format!("teller-pass-{}", i + 1);
        let delay = full.mul_f64(f64::from(i) / f64::from(ROUNDS - 1) * 1.2);
        if !killed_after(
            &o,
            "bo-icbc",
            &current,
            &next,
            &["user", "passwd"],
            "",
            delay,
        ) {
            cut += 1;
        }
        let (old_ok, new_ok) = (
            signs_in(&o, "bo-icbc", &current),
            signs_in(&o, "bo-icbc", &next),
        );
        assert!(
            old_ok != new_ok,
            "round {i}: old works {old_ok}, new works {new_ok}"
        );
        if new_ok {
            current = next;
        }
    }
    assert!(cut > 0, "some password changes were cut short");

    // An admin's reset of another user, killed the same way.
    let mut current = PASSWORD.to_string();
    let full = duration_of(
        &o,
        "admin",
        PASSWORD,
        "reset-pass-0",
        &["user", "reset", "bo-rcb"],
        "",
    );
    current = if signs_in(&o, "bo-rcb", "reset-pass-0") {
        "reset-pass-0".into()
    } else {
        current
    };
    for i in 0..ROUNDS {
        let next = format!("reset-pass-{}", i + 1);
        let delay = full.mul_f64(f64::from(i) / f64::from(ROUNDS - 1) * 1.2);
        killed_after(
            &o,
            "admin",
            PASSWORD,
            &next,
            &["user", "reset", "bo-rcb"],
            "",
            delay,
        );
        let (old_ok, new_ok) = (
            signs_in(&o, "bo-rcb", &current),
            signs_in(&o, "bo-rcb", &next),
        );
        assert!(
            old_ok != new_ok,
            "reset round {i}: old works {old_ok}, new works {new_ok}"
        );
        if new_ok {
            current = next;
        }
    }
    assert_eq!(
        o.ok("admin", "2016-01-10", &["audit", "verify"], json!({}))["ok"],
        true
    );
}
