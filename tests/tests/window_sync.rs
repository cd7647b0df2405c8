//! Issue 15 in the real window: 设置 → 省级报送 shows the outbox a closing wrote, 立即发送
//! sends it to a real hub, and each envelope then shows what the hub made of it — taken
//! (with the hub's time) or refused (with its reason, in Chinese).

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use surety_e2e::cli::surety_binary;
use surety_e2e::demo::{demo_data, demo_db, DEMO_PASSWORD};
use surety_e2e::hub::{Backend, HubProcess};
use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

/// `surety --db <demo> --user admin args…` with `stdin`; stdout as JSON.
fn admin(db: &std::path::Path, args: &[&str], stdin: &str) -> Value {
    let mut child = Command::new(surety_binary())
        .arg("--db")
        .arg(db)
        .args(["--user", "admin"])
        .args(args)
        .env("SURETY_PASSWORD", DEMO_PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "surety {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_shows_what_the_hub_took_and_what_it_refused() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(120);
    let db = demo_db(&data);
    admin(
        &db,
        &["report", "close", "--year", "2016", "--quarter", "1"],
        "",
    );
    let identity = admin(&db, &["sync", "identity"], "");
    // Registered for Yantai and Dezhou with every insurer their lines name; not Weifang.
    let mut insurers = BTreeSet::new();
    let status = admin(&db, &["sync", "status"], "");
    let envelopes = status["envelopes"].as_array().unwrap();
    let cities: BTreeSet<&str> = envelopes
        .iter()
        .map(|e| e["city"].as_str().unwrap())
        .collect();
    assert_eq!(cities, BTreeSet::from(["dezhou", "weifang", "yantai"]));
    for e in envelopes {
        let full = admin(&db, &["sync", "show", "--id", &e["id"].to_string()], "");
        // The demo installation speaks for its insurers and its banks alike.
        for (table, key) in [
            ("business", "insurer"),
            ("loss_ratios", "insurer"),
            ("npl", "bank"),
        ] {
            for line in full["payload"][table].as_array().unwrap() {
                insurers.insert(line[key].as_str().unwrap().to_string());
            }
        }
    }
    let insurers: Vec<&str> = insurers.iter().map(String::as_str).collect();
    let backend = Backend::sqlite();
    backend.register(&identity, "演示机构", &["yantai", "dezhou"], &insurers);
    let logs = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&backend, None, logs.path());
    admin(
        &db,
        &["sync", "hub"],
        &json!({"url": hub.base, "public_key": hub.public_key}).to_string(),
    );

    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("admin", DEMO_PASSWORD).await;
    app.click("menu-settings").await;
    app.by_test_id("settings-tabs").await;
    app.click_css("#tab-sync").await;
    let outbox = app
        .wait_contains("sync-outbox", &["待发送", "2016Q1"])
        .await;
    assert!(
        outbox.contains("烟台") && outbox.contains("潍坊"),
        "{outbox}"
    );
    let state = app.wait_contains("sync-state", &[&hub.base, "从未"]).await;
    assert!(state.contains("立即发送（3 个待发送）"), "{state}");

    app.click("sync-push").await;
    let outbox = app
        .wait_contains("sync-outbox", &["已送达", "被拒收", "CITY_NOT_REGISTERED"])
        .await;
    assert!(!outbox.contains("待发送"), "{outbox}");
    assert!(outbox.contains("平台于 20"), "the hub's time: {outbox}");
    assert!(
        outbox.contains("本机构未登记报送潍坊的数据（已登记：烟台、德州）"),
        "{outbox}"
    );
    let state = app.inner_text("sync-state").await;
    assert!(!state.contains("从未"), "a last contact now: {state}");
    app.screenshot("sync-outbox").await;

    // The audit check now also holds the chain against the hub's receipt.
    app.click_css("#tab-backup").await;
    app.click("audit-verify").await;
    let audit = app.wait_contains("audit-result", &["与省级平台"]).await;
    assert!(
        audit.contains("审计链完整") && audit.contains("回执一致"),
        "{audit}"
    );

    let held = hub.get_json("/v1/submissions?period=2016Q1");
    let cities: BTreeSet<&str> = held
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["city"].as_str().unwrap())
        .collect();
    assert_eq!(cities, BTreeSet::from(["dezhou", "yantai"]));
    app.close().await;
}
