//! Issue 11's critical items through the binary: who may restore, where files may go,
//! and who sees which cases.

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

fn audit_entries(o: &Office) -> Value {
    o.ok("auditor", "2016-06-01", &["audit", "verify"], json!({}))["entries"].clone()
}

#[test]
fn restore_needs_an_admin_of_the_installation_it_replaces_and_records_the_rollback() {
    let o = pilot();
    let c = haifeng(&o, "300000", "2016-03-01");
    let backup = o.db.with_file_name("march.sdbackup");
    o.ok(
        "admin",
        "2016-03-10",
        &["backup", "--out", backup.to_str().unwrap()],
        json!({}),
    );
    disbursed(&o, &YANTAI, &c, "2016-03-15");
    let entries = audit_entries(&o);

    // A bank officer cannot restore (before: they replaced the database and became admin).
    o.refused(
        "bo-icbc",
        "2016-06-01",
        &["restore", "--from", backup.to_str().unwrap()],
        "",
        "NOT_PERMITTED",
    );
    assert_eq!(audit_entries(&o), entries, "nothing replaced");

    // A backup of another installation needs the explicit flag.
    let other = Office::new();
    let foreign = o.db.with_file_name("foreign.sdbackup");
    other.ok(
        "admin",
        "2016-03-10",
        &["backup", "--out", foreign.to_str().unwrap()],
        json!({}),
    );
    o.refused(
        "admin",
        "2016-06-01",
        &["restore", "--from", foreign.to_str().unwrap()],
        "",
        "FOREIGN_BACKUP",
    );
    assert_eq!(audit_entries(&o), entries, "nothing replaced");

    // The admin rolls back to March: the disbursement is gone, the restore is on record
    // with the chain head it replaced, and the replaced database is kept beside it.
    let info = o.ok(
        "admin",
        "2016-06-01",
        &["restore", "--from", backup.to_str().unwrap()],
        json!({}),
    );
    let kept = info["previous"]
        .as_str()
        .expect("the replaced database is kept")
        .to_string();
    assert!(
        std::path::Path::new(&kept).exists()
            && std::path::Path::new(&format!("{kept}.keys")).exists()
    );
    let v = o.ok("auditor", "2016-06-01", &["case", "show", &c], json!({}));
    assert_eq!(v["status"], "approved");
    let log = o.ok("auditor", "2016-06-01", &["audit", "verify"], json!({}));
    assert_eq!(log["ok"], true);
    // On a new machine (no database yet) only an admin of the backup restores it.
    let fresh = o.db.with_file_name("new-machine.db");
    let run = |user: &str| {
        let mut cmd = std::process::Command::new(surety_e2e::cli::surety_binary());
        cmd.args([
            "--db",
            fresh.to_str().unwrap(),
            "--user",
            user,
            "restore",
            "--from",
            backup.to_str().unwrap(),
        ])
        .env("SURETY_PASSWORD", surety_e2e::cli::PASSWORD)
        .output()
        .unwrap()
    };
    let refused = run("bo-icbc");
    assert_ne!(refused.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("NOT_PERMITTED"));
    assert!(!fresh.exists());
    assert_eq!(run("admin").status.code(), Some(0));
    assert!(fresh.exists());
}

#[test]
fn files_are_never_written_over_the_database_or_its_key_file() {
    let o = pilot();
    let c = haifeng(&o, "300000", "2016-03-01");
    let keys = format!("{}.keys", o.db.display());
    let before = std::fs::read(&keys).unwrap();
    // Before: `print … --out <db>.keys` made the installation unopenable for everyone.
    o.refused(
        "bo-icbc",
        "2016-03-02",
        &["print", "loan_contract", "--case", &c, "--out", &keys],
        "",
        "PATH_NOT_ALLOWED",
    );
    o.refused(
        "bo-icbc",
        "2016-03-02",
        &["print", "contracts", "--out", &keys],
        "",
        "PATH_NOT_ALLOWED",
    );
    assert_eq!(std::fs::read(&keys).unwrap(), before);
    let pdf = o.db.with_file_name("contract.pdf");
    o.ok(
        "bo-icbc",
        "2016-03-02",
        &[
            "print",
            "loan_contract",
            "--case",
            &c,
            "--out",
            pdf.to_str().unwrap(),
        ],
        json!({}),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&pdf).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(&o.db).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(&keys).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // The print is on the case's record.
    let v = o.ok("bo-icbc", "2016-03-02", &["case", "show", &c], json!({}));
    assert!(v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "document.print"));
}

#[test]
fn each_reader_sees_their_own_organisations_cases_with_ids_masked_in_lists() {
    let o = pilot();
    let yt = haifeng(&o, "300000", "2016-03-01");
    let dz = approved(
        &o,
        &DEZHOU,
        "德州粮油有限公司",
        CODE_B,
        "200000",
        "2016-03-01",
    );
    let list = |user: &str| o.ok(user, "2016-03-02", &["case", "list"], json!({}));
    let nos = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["case_no"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(nos(&list("bo-icbc")), vec![yt.clone()]);
    assert_eq!(nos(&list("bo-rcb")), vec![dz.clone()]);
    assert_eq!(nos(&list("uw-pool")), vec![yt.clone()]);
    assert_eq!(nos(&list("uw-cpic")), vec![dz.clone()]);
    assert_eq!(list("auditor").as_array().unwrap().len(), 2);
    // 91350100M000100Y43 masked: first four, last four.
    let row = &list("bo-icbc")[0];
    assert_eq!(row["id_number"], "9135**********0Y43");
    // Another bank's officer cannot open, print or export the case: it is not found.
    o.refused(
        "bo-rcb",
        "2016-03-02",
        &["case", "show", &yt],
        "",
        "NOT_FOUND",
    );
    let out = o.db.with_file_name("x.pdf");
    o.refused(
        "bo-rcb",
        "2016-03-02",
        &[
            "print",
            "loan_contract",
            "--case",
            &yt,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
        "NOT_FOUND",
    );
    assert!(!out.exists());
    // The whole number on the case page for those allowed.
    let v = o.ok("bo-icbc", "2016-03-02", &["case", "show", &yt], json!({}));
    assert_eq!(v["borrower"]["id_number"], CODE_A);
    // A field agent sees what they took in (both, here); a bank officer's own intake
    // stays out of the agent's list.
    assert_eq!(list("agent").as_array().unwrap().len(), 2);
    o.ok(
        "bo-icbc",
        "2016-03-02",
        &["case", "intake"],
        application(&YANTAI, "烟台银行受理有限公司", CODE_C, "100000"),
    );
    assert_eq!(list("agent").as_array().unwrap().len(), 2);
    assert_eq!(list("bo-icbc").as_array().unwrap().len(), 2);
}

#[cfg(unix)]
#[test]
fn the_apps_data_folder_is_made_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("cn.gov.sd.suretydesk");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = folder.join("surety.db");
    let run = |args: &[&str]| {
        std::process::Command::new(surety_e2e::cli::surety_binary())
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("XDG_DATA_HOME", home.path())
            .env("SURETY_PASSWORD", surety_e2e::cli::PASSWORD)
            .env("SURETY_TEST_FAST_KDF", "1")
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    assert!(run(&["org", "list"]).status.success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&db), 0o600);
    // Nothing the CLI writes lands in there either.
    let out = run(&[
        "backup",
        "--out",
        folder.join("b.sdbackup").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("PATH_NOT_ALLOWED"));
}
