//! Issue 15 end to end: desks report their closed quarters to a real provincial hub on
//! 127.0.0.1, on SQLite and on PostgreSQL (a private cluster). Two desks close Q1 and Q2
//! and the hub's sums equal what this test computes from their cases; the hub down and up
//! again, and a desk killed while sending, still end with each envelope stored once; a
//! changed byte, an old revision, an unknown key, a revoked key, a quarter not over, a city
//! or insurer not registered: each refused with its code and nothing stored; the audit
//! chain is anchored by the hub's receipts; no borrower's name or ID reaches the hub.

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use surety_e2e::cli::{Office, PASSWORD};
use surety_e2e::hub::{signed, Backend, HubProcess};
use surety_e2e::pilot::*;
use surety_e2e::processes::free_port;
use surety_e2e::quarter::{all_cases, expected, fen, from_figures, Expected};

const CODE_D: &str = "91370302MA0000005K";

/// The figures of one city's lines in the hub's province view.
fn province_city(view: &Value, city: &str) -> Expected {
    let zero = json!({});
    let line = view["by_city"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["city"] == city)
        .map(|l| &l["figures"])
        .unwrap_or(&zero);
    let kinds = view["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["city"] == city)
        .map(|k| {
            let b = k["figures"].get("balance").map(fen).unwrap_or(0);
            (k["kind"].as_str().unwrap().to_string(), b)
        });
    from_figures(line, kinds)
}

fn set_hub(o: &Office, hub_url: &str, hub_key: &str) {
    o.ok(
        "admin",
        "2016-04-05",
        &["sync", "hub"],
        json!({"url": hub_url, "public_key": hub_key}),
    );
}

fn status(o: &Office) -> Value {
    o.ok("admin", "2016-12-31", &["sync", "status"], json!({}))
}

fn envelopes<'a>(s: &'a Value, period: &str) -> Vec<&'a Value> {
    s["envelopes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["period"] == period)
        .collect()
}

fn push(o: &Office, user: &str) -> Value {
    o.ok(user, "2016-12-31", &["sync", "push"], json!({}))
}

fn close(o: &Office, user: &str, day: &str, q: &str) {
    o.ok(
        user,
        day,
        &["report", "close", "--year", "2016", "--quarter", q],
        json!({}),
    );
}

fn envelope_json(o: &Office, id: &Value) -> Value {
    o.ok(
        "admin",
        "2016-12-31",
        &["sync", "show", "--id", &id.to_string()],
        json!({}),
    )
}

/// How many revisions the hub holds for a period, by (installation, city).
fn held(hub: &HubProcess, period: &str) -> BTreeMap<(String, String), Vec<u64>> {
    let mut out: BTreeMap<(String, String), Vec<u64>> = BTreeMap::new();
    for r in hub
        .get_json(&format!("/v1/submissions?period={period}"))
        .as_array()
        .unwrap()
    {
        out.entry((
            r["installation_id"].as_str().unwrap().to_string(),
            r["city"].as_str().unwrap().to_string(),
        ))
        .or_default()
        .push(r["revision"].as_u64().unwrap());
    }
    out
}

fn forged(period: &str, start: &str, end: &str, revision: u32, note: &str) -> Value {
    json!({
        "format": 1, "installation_id": "forger", "organisation": "sd-pool", "city": "weihai",
        "period": period, "period_start": start, "period_end": end,
        "dataset": "quarter_report", "dataset_version": 1, "revision": revision,
        "payload": {"period": period, "city": "weihai", "complete": true, "issuer": note,
                    "state": {"closed": true, "revision": revision},
                    "business": [], "by_kind": [], "loss_ratios": [], "npl": [],
                    "subsidies": [], "defaulters": []},
        "payload_sha256": "", "audit_head": {"count": 1, "hash": "00"},
        "made_at": "2016-04-05T00:00:00Z", "public_key": "", "signature": ""
    })
}

fn the_province_hears_from_its_desks(backend: Backend) {
    let logs = tempfile::tempdir().unwrap();
    // Desk A: the pool's Yantai business, and one Dezhou loan it is not registered for.
    let a = pilot();
    let a1 = approved(
        &a,
        &YANTAI,
        "烟台海德机械有限公司",
        CODE_A,
        "200000",
        "2016-02-10",
    );
    disbursed(&a, &YANTAI, &a1, "2016-02-10");
    let a2 = approved(
        &a,
        &YANTAI,
        "烟台福山果蔬合作社",
        CODE_B,
        "150000",
        "2016-05-12",
    );
    disbursed(&a, &YANTAI, &a2, "2016-05-12");
    let ad = approved(&a, &DEZHOU, "德州陵城五金店", CODE_C, "80000", "2016-03-01");
    disbursed(&a, &DEZHOU, &ad, "2016-03-01");
    // Desk B: CPIC's Dezhou business.
    let b = pilot();
    let b1 = approved(
        &b,
        &DEZHOU,
        "德州禹城粮食合作社",
        CODE_C,
        "100000",
        "2016-03-05",
    );
    disbursed(&b, &DEZHOU, &b1, "2016-03-05");
    let b2 = approved(
        &b,
        &DEZHOU,
        "德州齐河养殖场",
        CODE_D,
        "120000",
        "2016-04-20",
    );
    disbursed(&b, &DEZHOU, &b2, "2016-04-20");

    let id_a = a.ok("admin", "2016-04-05", &["sync", "identity"], json!({}));
    let id_b = b.ok("admin", "2016-04-05", &["sync", "identity"], json!({}));
    backend.register(&id_a, "共保体烟台", &["yantai"], &["sd-pool", "icbc-yt"]);
    backend.register(&id_b, "太保德州", &["dezhou"], &["cpic", "rcb-dz"]);
    let (code, key, _) = backend.admin(&["key"]);
    assert_eq!(code, 0);
    let hub_key = key["public_key"].as_str().unwrap().to_string();
    let port = free_port();
    let hub_url = format!("http://127.0.0.1:{port}");
    set_hub(&a, &hub_url, &hub_key);
    set_hub(&b, &hub_url, &hub_key);

    // Q1 closed while the hub is down: nothing is lost, the envelopes wait with a retry time.
    close(&a, "admin", "2016-04-05", "1");
    let s = push(&a, "uw-pool");
    assert_eq!(
        (s["delivered"].as_u64(), s["failed"].as_u64()),
        (Some(0), Some(1)),
        "{s}"
    );
    assert_eq!(s["pending"], 2);
    let st = status(&a);
    let first = envelopes(&st, "2016Q1");
    assert!(first.iter().all(|e| e["state"] == "pending"));
    let tried = first
        .iter()
        .find(|e| e["attempts"] == 1)
        .expect("one was tried");
    assert!(
        tried["last_error"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{tried}"
    );
    assert!(tried["next_attempt_at"].is_string());
    assert!(st["last_contact"].is_null());

    // The hub comes up: Yantai is taken, Dezhou refused (A is not registered for it).
    let hub = HubProcess::start(&backend, Some(port), logs.path());
    assert_eq!(hub.public_key, hub_key);
    let s = push(&a, "uw-pool");
    assert_eq!(
        (
            s["delivered"].as_u64(),
            s["refused"].as_u64(),
            s["pending"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{s}"
    );
    let st = status(&a);
    assert!(st["last_contact"].is_string());
    for e in envelopes(&st, "2016Q1") {
        match e["city"].as_str().unwrap() {
            "yantai" => {
                assert_eq!(e["state"], "delivered");
                assert!(
                    e["received_at"].as_str().unwrap().starts_with("20"),
                    "the hub's clock"
                );
            }
            "dezhou" => {
                assert_eq!(e["state"], "refused");
                let r: Value = serde_json::from_str(e["refused_reason"].as_str().unwrap()).unwrap();
                assert_eq!(r["code"], "CITY_NOT_REGISTERED");
                assert!(r["message_zh"].as_str().unwrap().contains("未登记"));
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(push(&a, "uw-pool")["delivered"], 0, "nothing twice");

    // B: a dry run first stores nothing; then the real thing.
    close(&b, "uw-cpic", "2016-04-06", "1");
    let st = status(&b);
    let b_q1 = envelope_json(&b, &envelopes(&st, "2016Q1")[0]["id"]);
    let (code, receipt) = hub.post("/v1/envelopes?dry_run=1", b_q1.to_string().as_bytes());
    assert_eq!(
        (code, &receipt["status"]),
        (200, &json!("valid")),
        "{receipt}"
    );
    assert_eq!(held(&hub, "2016Q1").len(), 1, "a dry run stores nothing");
    assert_eq!(push(&b, "uw-cpic")["delivered"], 1);

    // Q2 on both; B's delivery is killed at different moments, then completed.
    close(&a, "admin", "2016-07-05", "2");
    assert_eq!(push(&a, "uw-pool")["delivered"], 1);
    close(&b, "uw-cpic", "2016-07-06", "2");
    for delay_ms in [0u64, 5, 20, 60, 150] {
        let mut child = std::process::Command::new(surety_e2e::cli::surety_binary())
            .args(["--db"])
            .arg(&b.db)
            .args(["--user", "uw-cpic", "sync", "push"])
            .env("SURETY_PASSWORD", PASSWORD)
            .env("SURETY_TEST_FAST_KDF", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    let s = push(&b, "uw-cpic");
    assert_eq!(s["pending"], 0, "{s}");
    let st = status(&b);
    assert!(envelopes(&st, "2016Q2")
        .iter()
        .all(|e| e["state"] == "delivered"));
    let q2 = held(&hub, "2016Q2");
    assert_eq!(q2.len(), 2, "{q2:?}");
    assert!(
        q2.values().all(|revs| revs == &vec![1]),
        "each stored once: {q2:?}"
    );

    // The province's sums equal the cases', per city and quarter (Yantai from A only,
    // Dezhou from B only: A's Dezhou loan was refused).
    let cases_a: Vec<Value> = all_cases(&a)
        .into_iter()
        .filter(|c| c["case_no"] == a1.as_str() || c["case_no"] == a2.as_str())
        .collect();
    let cases_b = all_cases(&b);
    assert_eq!((cases_a.len(), cases_b.len()), (2, 2));
    for (period, from, to) in [
        ("2016Q1", "2016-01-01", "2016-03-31"),
        ("2016Q2", "2016-04-01", "2016-06-30"),
    ] {
        let view = hub.get_json(&format!("/v1/province?period={period}"));
        assert_eq!(view["period"], period);
        assert_eq!(
            province_city(&view, "yantai"),
            expected(&cases_a, from, to),
            "yantai {period}"
        );
        assert_eq!(
            province_city(&view, "dezhou"),
            expected(&cases_b, from, to),
            "dezhou {period}"
        );
        assert_eq!(
            (view["reported"].as_u64(), view["expected"].as_u64()),
            (Some(2), Some(2))
        );
    }
    // By hand for Q2: Yantai has 200,000 + 150,000 on the book (no repayments yet),
    // Dezhou 100,000 + 120,000; disbursed in Q2: 150,000 and 120,000.
    let view = hub.get_json("/v1/province?period=2016Q2");
    assert_eq!(province_city(&view, "yantai").balance_fen, 35_000_000);
    assert_eq!(province_city(&view, "dezhou").balance_fen, 22_000_000);
    assert_eq!(province_city(&view, "yantai").disbursed_fen, 15_000_000);
    assert_eq!(view["trend"].as_array().unwrap().len(), 2);

    // Reopened and closed again: revision 2 supersedes, the sums do not double.
    a.ok(
        "admin",
        "2016-07-10",
        &[
            "report",
            "reopen",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--reason",
            "复核",
        ],
        json!({}),
    );
    close(&a, "admin", "2016-07-11", "1");
    assert_eq!(
        push(&a, "uw-pool")["delivered"],
        1,
        "only Yantai: Dezhou is refused again"
    );
    let q1 = held(&hub, "2016Q1");
    assert_eq!(
        q1[&(
            id_a["installation_id"].as_str().unwrap().to_string(),
            "yantai".to_string()
        )],
        vec![1, 2]
    );
    let view = hub.get_json("/v1/province?period=2016Q1");
    assert_eq!(
        province_city(&view, "yantai"),
        expected(&cases_a, "2016-01-01", "2016-03-31")
    );

    // Replays: the old revision is refused; the current one is "already stored".
    let st = status(&a);
    let yantai_q1: Vec<&Value> = envelopes(&st, "2016Q1")
        .into_iter()
        .filter(|e| e["city"] == "yantai")
        .collect();
    let rev = |r: u64| {
        envelope_json(
            &a,
            &yantai_q1.iter().find(|e| e["revision"] == r).unwrap()["id"],
        )
    };
    let (code, r) = hub.post("/v1/envelopes", rev(1).to_string().as_bytes());
    assert_eq!(
        (code, &r["code"]),
        (409, &json!("REVISION_SUPERSEDED")),
        "{r}"
    );
    let (code, r) = hub.post("/v1/envelopes", rev(2).to_string().as_bytes());
    assert_eq!((code, &r["status"]), (200, &json!("already_stored")), "{r}");
    // A changed figure, a changed signature byte: refused.
    let mut tampered = rev(2);
    tampered["payload"]["business_total"]["balance"] = json!("1.00");
    let (code, r) = hub.post("/v1/envelopes", tampered.to_string().as_bytes());
    assert_eq!((code, &r["code"]), (401, &json!("BAD_SIGNATURE")), "{r}");
    let mut flipped = rev(2);
    let sig = flipped["signature"].as_str().unwrap().to_string();
    let last = if sig.ends_with('0') { "1" } else { "0" };
    flipped["signature"] = json!(format!("{}{last}", &sig[..sig.len() - 1]));
    let (code, r) = hub.post("/v1/envelopes", flipped.to_string().as_bytes());
    assert_eq!((code, &r["code"]), (401, &json!("BAD_SIGNATURE")), "{r}");
    let (code, r) = hub.post("/v1/envelopes", b"{\"format\": 1, \"payload\": ");
    assert_eq!((code, &r["code"]), (400, &json!("MALFORMED")), "{r}");
    let big = vec![b' '; 3 * 1024 * 1024];
    let (code, r) = hub.post("/v1/envelopes", &big);
    assert_eq!((code, &r["code"]), (413, &json!("TOO_LARGE")), "{r}");

    // A key the hub does not know, then a revoked one.
    let c = pilot();
    let c1 = approved(
        &c,
        &YANTAI,
        "烟台开发区电子厂",
        CODE_A,
        "50000",
        "2016-02-01",
    );
    disbursed(&c, &YANTAI, &c1, "2016-02-01");
    c.ok("admin", "2016-04-05", &["sync", "identity"], json!({}));
    set_hub(&c, &hub_url, &hub_key);
    close(&c, "admin", "2016-04-05", "1");
    assert_eq!(push(&c, "uw-pool")["refused"], 1);
    let reason = status(&c)["envelopes"][0]["refused_reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("UNKNOWN_INSTALLATION"), "{reason}");
    let (code, _, _) = backend.admin(&[
        "install",
        "revoke",
        id_b["installation_id"].as_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    close(&b, "uw-cpic", "2016-10-08", "3");
    assert_eq!(push(&b, "uw-cpic")["refused"], 1);
    let reason = envelopes(&status(&b), "2016Q3")[0]["refused_reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("REVOKED"), "{reason}");
    assert!(held(&hub, "2016Q3").is_empty(), "nothing stored for Q3");

    // Signed by a registered key of this test's own: a quarter not over yet, another
    // insurer's lines, and the same revision with other figures.
    let forger = SigningKey::from_bytes(&[7u8; 32]);
    backend.register_key(&forger, ("forger", "测试"), "weihai", &["sd-pool"]);
    let future = signed(&forger, forged("2099Q1", "2099-01-01", "2099-03-31", 1, ""));
    let (code, r) = hub.post("/v1/envelopes", future.to_string().as_bytes());
    assert_eq!((code, &r["code"]), (422, &json!("PERIOD_NOT_ENDED")), "{r}");
    let mut foreign = forged("2016Q1", "2016-01-01", "2016-03-31", 1, "");
    foreign["payload"]["loss_ratios"] = json!([{"city": "weihai", "insurer": "cpic", "insurer_name": "太保",
        "premiums_received": "1.00", "claims_paid": "0.00", "compensation_due": "0.00",
        "compensation_paid": "0.00", "stopped": false}]);
    let (code, r) = hub.post(
        "/v1/envelopes",
        signed(&forger, foreign).to_string().as_bytes(),
    );
    assert_eq!(
        (code, &r["code"]),
        (403, &json!("ORGANISATION_NOT_REGISTERED")),
        "{r}"
    );
    let one = signed(
        &forger,
        forged("2016Q1", "2016-01-01", "2016-03-31", 1, "a"),
    );
    assert_eq!(hub.post("/v1/envelopes", one.to_string().as_bytes()).0, 200);
    let other = signed(
        &forger,
        forged("2016Q1", "2016-01-01", "2016-03-31", 1, "b"),
    );
    let (code, r) = hub.post("/v1/envelopes", other.to_string().as_bytes());
    assert_eq!(
        (code, &r["code"]),
        (409, &json!("REVISION_CONFLICT")),
        "{r}"
    );
    assert_eq!(r["details"]["held_sha256"], one["payload_sha256"]);
    assert_eq!(r["details"]["sent_sha256"], other["payload_sha256"]);
    assert!(held(&hub, "2099Q1").is_empty());

    // The audit chain is anchored: A's check passes, and fails once its newest entries go.
    let check = a.ok("admin", "2016-12-31", &["audit", "verify"], json!({}));
    assert_eq!(
        (check["ok"].as_bool(), check["anchor_holds"].as_bool()),
        (Some(true), Some(true)),
        "{check}"
    );
    let anchored = check["anchor_count"].as_u64().unwrap();
    {
        // Someone with the key and SQLite skills: the append-only trigger goes first.
        let (store, _) = surety_store::Store::open(&a.db, "admin", PASSWORD).unwrap();
        let conn = store.connection();
        conn.execute_batch("DROP TRIGGER audit_log_no_delete")
            .unwrap();
        conn.execute("DELETE FROM audit_log WHERE id > ?1", [anchored as i64 - 3])
            .unwrap();
    }
    let check = a.ok("admin", "2016-12-31", &["audit", "verify"], json!({}));
    assert_eq!(
        (check["ok"].as_bool(), check["anchor_holds"].as_bool()),
        (Some(false), Some(false)),
        "{check}"
    );
    // …and the hub will not take the truncated chain's next quarter.
    close(&a, "admin", "2016-10-08", "3");
    push(&a, "uw-pool");
    let reason = envelopes(&status(&a), "2016Q3")
        .iter()
        .find(|e| e["city"] == "yantai")
        .unwrap()["refused_reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("AUDIT_CHAIN_BEHIND"), "{reason}");

    // Nothing personal at the hub: not in its view, its workbook, or (SQLite) its file.
    let view = hub.get_json("/v1/province?period=2016Q1").to_string()
        + &hub.get_json("/v1/province?period=2016Q2").to_string();
    let (code, xlsx) = hub.get("/v1/province.xlsx?period=2016Q2");
    assert_eq!(code, 200);
    assert!(xlsx.starts_with(b"PK"));
    let mut stored = String::new();
    if let Backend::Sqlite(dir) = &backend {
        stored = String::from_utf8_lossy(&std::fs::read(dir.path().join("hub.db")).unwrap())
            .into_owned();
        assert!(stored.contains("共保体烟台"), "the file is readable here");
    }
    for personal in [
        "烟台海德机械有限公司",
        "烟台福山果蔬合作社",
        "德州禹城粮食合作社",
        "德州齐河养殖场",
        "德州陵城五金店",
        CODE_A,
        CODE_B,
        CODE_C,
        CODE_D,
        &a1,
        &a2,
        &b1,
        &b2,
    ] {
        assert!(!view.contains(personal), "{personal} in the province view");
        assert!(
            !stored.contains(personal),
            "{personal} in the hub's database"
        );
    }
    drop(hub);
}

#[test]
fn the_province_hears_from_its_desks_on_sqlite() {
    the_province_hears_from_its_desks(Backend::sqlite());
}

#[test]
fn the_province_hears_from_its_desks_on_postgresql() {
    the_province_hears_from_its_desks(Backend::postgres());
}
