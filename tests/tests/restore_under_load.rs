//! A restore is one exclusive step: while four bank officers' repayments run in a loop, no
//! repayment that succeeded is lost — each is either in the database the restore set
//! aside (whose audit head the restore entry names) or in the restored one — and every
//! refusal says a restore was in progress (or that the database was busy).

use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use surety_e2e::cli::PASSWORD;
use surety_e2e::pilot::*;

fn repayments(db: &std::path::Path) -> (u64, u64) {
    let (store, _) = surety_store::Store::open(db, "admin", PASSWORD).unwrap();
    let conn = store.connection();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64;
    (
        count("SELECT count(*) FROM repayments"),
        count("SELECT count(*) FROM audit_log"),
    )
}

#[test]
fn no_repayment_that_succeeded_is_lost_to_a_restore() {
    let o = pilot();
    let mut cases = Vec::new();
    for (i, (name, code)) in [
        ("烟台海丰水产有限公司", CODE_A),
        ("烟台海丰水产有限公司", CODE_A),
        ("烟台海德机械有限公司", CODE_B),
        ("烟台海德机械有限公司", CODE_B),
    ]
    .into_iter()
    .enumerate()
    {
        let c = approved(&o, &YANTAI, name, code, "100000", "2016-03-01");
        disbursed(&o, &YANTAI, &c, "2016-03-05");
        cases.push((i, c));
    }
    let backup = o.db.with_file_name("march.sdbackup");
    o.ok(
        "admin",
        "2016-03-10",
        &["backup", "--out", backup.to_str().unwrap()],
        json!({}),
    );

    let o = Arc::new(o);
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = cases
        .into_iter()
        .map(|(_, c)| {
            let (o, stop) = (o.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut outcomes = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let out = o.run(
                        Some("bo-icbc"),
                        Some("2016-04-05"),
                        &["case", "repay"],
                        &json!({"case_no": c, "amount": "10.00"}).to_string(),
                    );
                    let code = if out.code == 0 {
                        "OK".to_string()
                    } else {
                        out.error()["code"].as_str().unwrap_or("?").to_string()
                    };
                    outcomes.push(code);
                }
                outcomes
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let restored: Value = o.ok(
        "admin",
        "2016-04-05",
        &["restore", "--from", backup.to_str().unwrap()],
        json!({}),
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    stop.store(true, Ordering::Relaxed);
    let outcomes: Vec<String> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();

    let succeeded = outcomes.iter().filter(|c| *c == "OK").count() as u64;
    for code in outcomes.iter().filter(|c| *c != "OK") {
        assert!(
            ["RESTORE_IN_PROGRESS", "DATABASE_BUSY"].contains(&code.as_str()),
            "a refusal other than the restore's: {code}"
        );
    }
    let kept = std::path::PathBuf::from(restored["previous"].as_str().expect("the kept database"));
    let (kept_repayments, kept_entries) = repayments(&kept);
    let (now_repayments, _) = repayments(&o.db);
    assert!(
        kept_repayments > 0 && now_repayments > 0,
        "writes before and after: {outcomes:?}"
    );
    assert_eq!(
        kept_repayments + now_repayments,
        succeeded,
        "every repayment that succeeded is in one of the two: {outcomes:?}"
    );
    // The restore's audit entry names the head it replaced: every entry of the set-aside
    // database, none missing.
    let timeline = o.ok("admin", "2016-04-06", &["audit", "verify"], json!({}));
    assert_eq!(timeline["ok"], true, "{timeline}");
    let (store, _) = surety_store::Store::open(&o.db, "admin", PASSWORD).unwrap();
    let note: String = store
        .connection()
        .query_row(
            "SELECT summary FROM audit_log WHERE action = 'database.restore' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        note.contains(&format!("at audit entry {kept_entries} ")),
        "{note} names {kept_entries}"
    );
    drop(store);
}
