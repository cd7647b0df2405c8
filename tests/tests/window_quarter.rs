//! Issue 14 in the real window: 统计 → 统计季报. The page opens on the last quarter that is
//! over (2016Q3 on the demo's 2016-12-31), shows the figures the service computes (the same
//! total balance the CLI reports), closes the quarter, writes its PDF, and an admin reopens
//! it with a reason given in the dialog.

use serde_json::Value;
use std::process::Command;
use surety_e2e::cli::surety_binary;
use surety_e2e::demo::{demo_data, demo_db, DEMO_PASSWORD};
use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

/// ¥40,229,900.23 as the UI's `yuan` formats "40229900.23".
fn yuan(amount: &str) -> String {
    let (int, dec) = amount.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("¥{grouped}.{dec}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quarter_page_shows_closes_prints_and_reopens_2016q3() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(120);
    let db = demo_db(&data);
    let cli = Command::new(surety_binary())
        .arg("--db")
        .arg(&db)
        .args(["report", "quarter", "--year", "2016", "--quarter", "3"])
        .env("SURETY_PASSWORD", DEMO_PASSWORD)
        .env("SURETY_TEST_FAST_KDF", "1")
        .output()
        .unwrap();
    let by_cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let balance = by_cli["business_total"]["balance"]
        .as_str()
        .unwrap()
        .to_string();

    // ICBC Yantai's institution code, for the credit-reporting card (R-CREDIT-1).
    let surety = |args: &[&str]| {
        Command::new(surety_binary())
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("SURETY_PASSWORD", DEMO_PASSWORD)
            .env("SURETY_TEST_FAST_KDF", "1")
            .output()
            .unwrap()
    };
    let shown = String::from_utf8(surety(&["settings", "show"]).stdout).unwrap();
    let settings = data.join("settings.toml");
    std::fs::write(
        &settings,
        shown.replace(
            "[credit_reporting.institutions]\n",
            "[credit_reporting.institutions]\nicbc-yt = \"B1021237060001\"\n",
        ),
    )
    .unwrap();
    assert!(surety(&["settings", "apply", settings.to_str().unwrap()])
        .status
        .success());

    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("admin", DEMO_PASSWORD).await;
    app.click("menu-statistics").await;
    let state = app.wait_contains("quarter-state", &["2016-07-01"]).await;
    assert!(state.contains("未关闭"), "{state}");
    let table = app.wait_contains("quarter-business", &["合计"]).await;
    assert!(
        table.contains(&yuan(&balance)),
        "{} not in {table}",
        yuan(&balance)
    );
    app.screenshot("quarter-report").await;

    // Closing files the quarter with the province: asked first, with what it freezes.
    app.click("quarter-close").await;
    let asked = app
        .wait_contains("confirm-figures", &["报送省财政厅", "季末贷款余额"])
        .await;
    assert!(asked.contains(&yuan(&balance)), "{asked}");
    app.click_css(".confirm-ok").await;
    let state = app.wait_contains("quarter-state", &["已关闭"]).await;
    assert!(state.contains("第1版"), "{state}");

    // The PDF goes where the (answered) save dialog says.
    let out = data.join("2016Q3.pdf");
    app.answer_dialog(Some(&out));
    let refused = app
        .forced_invoke(
            "export_quarter",
            serde_json::json!({"year": 2016, "quarter": 3, "city": null, "format": "pdf"}),
        )
        .await;
    assert!(refused.is_null(), "{refused}");
    let text = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace([' ', '\n'], "");
    assert!(text.contains("小额贷款保证保险试点统计季报"), "{text}");
    assert!(text.contains("已关闭（第1版"), "{text}");

    app.click("quarter-reopen").await;
    app.by_test_id("form-dialog").await;
    app.type_into("field-reason", "烟台工行补录九月还款").await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    let state = app.wait_contains("quarter-state", &["已重开"]).await;
    assert!(state.contains("烟台工行补录九月还款"), "{state}");

    // 征信报送: a bank without a code says which setting to add; ICBC previews and writes.
    app.choose("credit-org", "德州农村商业银行").await;
    app.click("credit-preview").await;
    let error = app
        .wait_contains("credit-error", &["credit_reporting.institutions"])
        .await;
    assert!(error.contains("rcb-dz"), "{error}");
    app.choose("credit-org", "中国工商银行烟台分行").await;
    app.click("credit-preview").await;
    let result = app
        .wait_contains("credit-result", &["B1021237060001"])
        .await;
    assert!(result.contains("新开户"), "{result}");
    app.screenshot("credit-preview").await;
    let archive = data.join("credit.zip");
    app.answer_dialog(Some(&archive));
    let written = app
        .forced_invoke(
            "credit_report",
            serde_json::json!({"input": {"organisation": "icbc-yt", "report_date": "2016-12-31"},
                               "password": "file-pass-2016"}),
        )
        .await;
    assert!(written.is_null(), "{written}");
    assert!(archive.exists(), "the archive was written");

    // 设置 → 省级报送: the key to register (the same the CLI shows) and the envelopes the
    // closing above wrote, one per city, waiting to be sent.
    let identity: Value = serde_json::from_slice(&surety(&["sync", "identity"]).stdout).unwrap();
    app.click("menu-settings").await;
    app.by_test_id("settings-tabs").await;
    app.click_css("#tab-sync").await;
    let shown = app
        .wait_contains(
            "sync-identity",
            &[identity["fingerprint"].as_str().unwrap()],
        )
        .await;
    assert!(
        shown.contains(identity["public_key"].as_str().unwrap()),
        "{shown}"
    );
    let outbox = app
        .wait_contains("sync-outbox", &["2016Q3", "待发送"])
        .await;
    assert!(
        outbox.contains("烟台") && outbox.contains("德州"),
        "{outbox}"
    );
    app.screenshot("sync-outbox").await;
    app.close().await;
}
