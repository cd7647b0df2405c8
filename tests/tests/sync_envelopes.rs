//! Issue 15, the desk's side: closing a quarter writes one signed envelope per city into the
//! outbox, in the closing's transaction. Checked here as the hub will check them, with this
//! test's own canonical form, SHA-256 and Ed25519 verification (not the desk's code): the
//! signature verifies with the installation's public key, the payload matches its hash and
//! carries one city's summary figures and no borrower's name or ID, and a quarter reopened
//! and closed again sends a higher revision.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use surety_e2e::pilot::*;

/// Object keys sorted, no spaces (serde_json's map is a sorted map here).
fn canonical(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

fn verify(envelope: &Value, public_key: &str) {
    let mut unsigned = envelope.clone();
    let signature = unsigned
        .as_object_mut()
        .unwrap()
        .remove("signature")
        .unwrap();
    let key: [u8; 32] = hex::decode(public_key).unwrap().try_into().unwrap();
    let sig: [u8; 64] = hex::decode(signature.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    VerifyingKey::from_bytes(&key)
        .unwrap()
        .verify(
            canonical(&unsigned).as_bytes(),
            &Signature::from_bytes(&sig),
        )
        .expect("the signature verifies");
    let hash = hex::encode(Sha256::digest(canonical(&envelope["payload"]).as_bytes()));
    assert_eq!(envelope["payload_sha256"], hash.as_str());
}

#[test]
fn closing_a_quarter_writes_signed_envelopes_per_city_for_the_province() {
    let o = pilot();
    let a = haide(&o, "200000", "2016-02-10");
    disbursed(&o, &YANTAI, &a, "2016-02-10");
    let mut app = application(&DEZHOU, "德州禹城粮食合作社", CODE_C, "100000");
    app["borrower"]["address"] = json!("山东省德州市禹城市市中街道1号");
    let c = approved_with(&o, &DEZHOU, app, "2016-03-05");
    disbursed(&o, &DEZHOU, &c, "2016-03-05");

    let id = o.ok("admin", "2016-04-05", &["sync", "identity"], json!({}));
    let public_key = id["public_key"].as_str().unwrap().to_string();
    assert_eq!(public_key.len(), 64);
    assert_eq!(id["fingerprint"].as_str().unwrap().split('-').count(), 8);
    assert!(
        o.ok("admin", "2016-04-05", &["sync", "status"], json!({}))["envelopes"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // An admin closes the whole installation: both insurers' cities.
    o.ok(
        "admin",
        "2016-04-05",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    let status = o.ok("admin", "2016-04-05", &["sync", "status"], json!({}));
    assert_eq!(status["configured"], false, "no hub set: they wait");
    let rows = status["envelopes"].as_array().unwrap();
    let mut cities: Vec<&str> = rows.iter().map(|r| r["city"].as_str().unwrap()).collect();
    cities.sort();
    assert_eq!(cities, ["dezhou", "yantai"]);
    for r in rows {
        assert_eq!(
            (&r["state"], &r["revision"], &r["period"]),
            (&json!("pending"), &json!(1), &json!("2016Q1"))
        );
        assert_eq!(
            r["organisation"], "",
            "an admin's closing speaks for the whole installation"
        );
        let e = o.ok(
            "admin",
            "2016-04-05",
            &["sync", "show", "--id", &r["id"].to_string()],
            json!({}),
        );
        assert_eq!(e["public_key"], public_key.as_str());
        verify(&e, &public_key);
        assert_eq!(e["sha256"], Value::Null);
        assert_eq!(r["sha256"], e["payload_sha256"]);
        assert_eq!(
            (&e["period_start"], &e["period_end"]),
            (&json!("2016-01-01"), &json!("2016-03-31"))
        );
        let city = r["city"].as_str().unwrap();
        assert_eq!(e["payload"]["city"], city);
        assert!(e["payload"]["business"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["city"] == city));
        assert_eq!(e["payload"]["state"]["closed"], true);
        let text = e.to_string();
        for personal in [
            "烟台海德机械有限公司",
            "德州禹城粮食合作社",
            CODE_A,
            CODE_C,
            &a,
            &c,
        ] {
            assert!(!text.contains(personal), "{personal} in the envelope");
        }
        assert!(e["audit_head"]["count"].as_u64().unwrap() > 10);
    }
    // The Yantai envelope's figures: one 200,000.00 loan on the book at 2016-03-31.
    let yantai = rows.iter().find(|r| r["city"] == "yantai").unwrap();
    let e = o.ok(
        "admin",
        "2016-04-05",
        &["sync", "show", "--id", &yantai["id"].to_string()],
        json!({}),
    );
    assert_eq!(e["payload"]["business_total"]["balance"], "200000.00");
    // Another bank's officer sees none of Yantai's lines (ICBC's balance, the pool's
    // loss ratio), and no city-wide table that would add them up.
    let theirs = o.ok(
        "bo-rcb",
        "2016-04-05",
        &["sync", "show", "--id", &yantai["id"].to_string()],
        json!({}),
    );
    for table in [
        "business",
        "npl",
        "loss_ratios",
        "by_kind",
        "subsidies",
        "defaulters",
    ] {
        assert_eq!(theirs["payload"][table], json!([]), "{table}: {theirs}");
    }
    assert_eq!(theirs["payload"]["business_total"], Value::Null);
    // ICBC's own officer sees ICBC's lines.
    let ours = o.ok(
        "bo-icbc",
        "2016-04-05",
        &["sync", "show", "--id", &yantai["id"].to_string()],
        json!({}),
    );
    assert_eq!(
        ours["payload"]["business"][0]["balance"], "200000.00",
        "{ours}"
    );

    // A changed byte breaks it for the hub.
    let mut tampered = e.clone();
    tampered["payload"]["business_total"]["balance"] = json!("200000.01");
    let hash = hex::encode(Sha256::digest(canonical(&tampered["payload"]).as_bytes()));
    assert_ne!(tampered["payload_sha256"], hash.as_str());

    // Reopened and closed again: a second revision for each city; the first stays.
    o.ok(
        "admin",
        "2016-04-10",
        &[
            "report",
            "reopen",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--reason",
            "补录",
        ],
        json!({}),
    );
    o.ok(
        "admin",
        "2016-04-11",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    let status = o.ok("admin", "2016-04-11", &["sync", "status"], json!({}));
    let revisions: Vec<u64> = status["envelopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_u64().unwrap())
        .collect();
    assert_eq!(revisions, [2, 2, 1, 1]);
    // Bank staff read the outbox; field agents do not.
    o.ok("bo-icbc", "2016-04-11", &["sync", "status"], json!({}));
    o.refused(
        "agent",
        "2016-04-11",
        &["sync", "status"],
        "",
        "NOT_PERMITTED",
    );
    assert_eq!(
        o.ok("admin", "2016-04-11", &["audit", "check"], json!({}))["ok"],
        true
    );
}

/// Each insurer closes its own lines: the pool's lead the pool's, CPIC's underwriter
/// CPIC's; each closing sends the province every closing in force combined (a higher
/// revision per city), and only an admin reopens one, naming whose.
#[test]
fn each_insurer_closes_its_own_lines_and_the_province_gets_them_combined() {
    let o = pilot();
    // A: Yantai, the pool × ICBC, 200,000.00; C: Dezhou, CPIC × RCB, 100,000.00.
    let a = haide(&o, "200000", "2016-02-10");
    disbursed(&o, &YANTAI, &a, "2016-02-10");
    let mut app = application(&DEZHOU, "德州禹城粮食合作社", CODE_C, "100000");
    app["borrower"]["address"] = json!("山东省德州市禹城市市中街道1号");
    let c = approved_with(&o, &DEZHOU, app, "2016-03-05");
    disbursed(&o, &DEZHOU, &c, "2016-03-05");
    let close = |user: &str, day: &str| {
        o.run(
            Some(user),
            Some(day),
            &["report", "close", "--year", "2016", "--quarter", "1"],
            "{}",
        )
    };
    let outbox = |day: &str| -> Vec<Value> {
        o.ok("admin", day, &["sync", "status"], json!({}))["envelopes"]
            .as_array()
            .unwrap()
            .clone()
    };
    let payload = |id: &Value| -> Value {
        o.ok(
            "admin",
            "2016-04-20",
            &["sync", "show", "--id", &id.to_string()],
            json!({}),
        )["payload"]
            .clone()
    };

    // The pool's lead closes the pool's lines: Yantai only, in the pool's name.
    let pool = close("uw-pool", "2016-04-05");
    assert_eq!(pool.code, 0, "{}", pool.stderr);
    let pool = pool.json();
    assert_eq!(
        (&pool["state"]["closed"], &pool["state"]["organisation"]),
        (&json!(true), &json!("sd-pool"))
    );
    assert!(pool["business"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["insurer"] == "sd-pool"));
    let first = outbox("2016-04-05");
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(
        (
            &first[0]["city"],
            &first[0]["organisation"],
            &first[0]["revision"]
        ),
        (&json!("yantai"), &json!("sd-pool"), &json!(1))
    );

    // Closing twice is refused; an admin cannot close the whole over the pool's closing.
    assert_eq!(close("uw-pool", "2016-04-06").code, 1);
    let whole = close("admin", "2016-04-06");
    assert_eq!(whole.error()["code"], "R-REPORT-1", "{}", whole.stderr);
    assert!(whole.error()["message_zh"]
        .as_str()
        .unwrap()
        .contains("各自关闭"));

    // CPIC has not closed: its underwriter and the auditor see live figures and who closed.
    let auditor = o.ok(
        "auditor",
        "2016-04-06",
        &["report", "quarter", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    assert_eq!(auditor["state"]["closed"], false);
    assert_eq!(auditor["state"]["closed_for"], json!(["sd-pool"]));

    // CPIC closes its own: revision 2 for both cities, each carrying every insurer closed.
    let cpic = close("uw-cpic", "2016-04-07");
    assert_eq!(cpic.code, 0, "{}", cpic.stderr);
    let second: Vec<Value> = outbox("2016-04-07")
        .into_iter()
        .filter(|e| e["revision"] == 2)
        .collect();
    let mut cities: Vec<&str> = second.iter().map(|e| e["city"].as_str().unwrap()).collect();
    cities.sort();
    assert_eq!(cities, ["dezhou", "yantai"]);
    for e in &second {
        assert_eq!(e["organisation"], "cpic");
        let p = payload(&e["id"]);
        let (insurer, balance) = if e["city"] == "yantai" {
            ("sd-pool", "200000.00")
        } else {
            ("cpic", "100000.00")
        };
        assert_eq!(p["business"][0]["insurer"], insurer, "{p}");
        assert_eq!(p["business_total"]["balance"], balance, "{p}");
        assert_eq!(p["npl"][0]["balance"], balance, "{p}");
    }
    let auditor = o.ok(
        "auditor",
        "2016-04-07",
        &["report", "quarter", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    let mut closed_for: Vec<&str> = auditor["state"]["closed_for"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    closed_for.sort();
    assert_eq!(closed_for, ["cpic", "sd-pool"]);

    // A payment back-dated into the quarter is refused on either insurer's case.
    let back_dated = |case: &str, day: &str| {
        o.run(
            Some(if case == c { "bo-rcb" } else { "bo-icbc" }),
            Some(day),
            &["case", "repay"],
            &json!({"case_no": case, "amount": "471.25", "value_date": "2016-03-20"}).to_string(),
        )
    };
    assert_eq!(back_dated(&c, "2016-04-08").error()["field"], "value_date");
    assert_eq!(back_dated(&a, "2016-04-08").error()["field"], "value_date");

    // Reopening: an admin names whose when several closed; CPIC's reopened, its case may
    // take the back-dated payment and the pool's still may not.
    let reopen = |org: Option<&str>| {
        let mut args = vec![
            "report",
            "reopen",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--reason",
            "补录还款",
        ];
        if let Some(org) = org {
            args.extend(["--organisation", org]);
        }
        o.run(Some("admin"), Some("2016-04-09"), &args, "{}")
    };
    assert_eq!(reopen(None).error()["field"], "organisation");
    assert_eq!(reopen(Some("cpic")).code, 0);
    assert_eq!(back_dated(&c, "2016-04-10").code, 0);
    assert_eq!(back_dated(&a, "2016-04-10").error()["field"], "value_date");
    let audit = o.ok("auditor", "2016-04-10", &["audit", "verify"], json!({}));
    assert_eq!(audit["ok"], true);
}
