//! Issue 7 in the real window: 设置 (organisations, pools, agreements, cities, the rate
//! table, users, backup and restore) as an admin and as a bank officer, and 统计 with the
//! case-list export.

use std::time::Duration;
use surety_e2e::cli::{open_export, EXPORT_PASSWORD};
use surety_e2e::demo::demo_data;
use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

async fn tab(app: &AppWindow, name: &str) {
    app.click_css(&format!("#tab-{name}")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Fills the open form dialog (text fields by key) and presses OK.
async fn fill(app: &AppWindow, fields: &[(&str, &str)]) {
    app.by_test_id("form-dialog").await;
    for (key, value) in fields {
        app.type_into(&format!("field-{key}"), value).await;
    }
    app.submit_dialog().await;
}

/// Text of the open dialog once it shows `needle` (an error), or panics with what it shows.
async fn dialog_error(app: &AppWindow, needle: &str) -> String {
    let text = app.wait_contains("form-dialog", &[needle]).await;
    assert!(text.contains(needle), "the dialog shows: {text}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sets_up_the_pilot_backs_up_and_restores() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(120);
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("admin", "demo-pilot-2016").await;
    app.click("menu-settings").await;
    app.by_test_id("settings-tabs").await;
    app.screenshot("settings-prefs").await;

    // Organisations: register a bank; the pool's shares must sum to 100%.
    tab(&app, "orgs").await;
    app.wait_contains("org-table", &["中国工商银行烟台分行"])
        .await;
    app.click("org-add").await;
    app.by_test_id("form-dialog").await;
    app.choose("input-kind", "银行").await;
    app.choose("input-city", "泰安").await;
    fill(&app, &[("code", "boc-ta"), ("name", "中国银行泰安分行")]).await;
    app.wait_dialog_closed().await;
    app.wait_contains("org-table", &["中国银行泰安分行"]).await;
    let pool = app.wait_contains("pool-sd-pool", &["60%"]).await;
    assert!(pool.contains("主承保"), "{pool}");
    app.click("pool-edit-sd-pool").await;
    fill(&app, &[("share:picc", "50")]).await;
    let error = dialog_error(&app, "100%").await;
    assert!(error.contains("份额"), "{error}");
    app.click_css(".el-dialog__headerbtn").await;
    app.wait_dialog_closed().await;
    app.screenshot("settings-orgs").await;

    // Agreements: a guarantee rate under 2% is refused next to its field.
    tab(&app, "agreements").await;
    app.wait_contains("agreement-table", &["中国工商银行烟台分行"])
        .await;
    app.click("agreement-add").await;
    app.by_test_id("form-dialog").await;
    app.choose("input-bank", "中国银行泰安分行（boc-ta）").await;
    app.choose("input-insurer", "山东省小额贷款保证保险共保体（sd-pool）")
        .await;
    app.choose("input-city", "泰安").await;
    app.type_into("field-signed_on", "2016-12-01\u{E007}").await;
    fill(&app, &[("guarantee_rate", "1.5"), ("accident_rate", "0.5")]).await;
    let item = app.wait_contains("field-guarantee_rate", &["2%"]).await;
    assert!(item.contains("低于下限 2%"), "{item}");
    app.screenshot("settings-agreement-error").await;
    fill(&app, &[("guarantee_rate", "2")]).await;
    app.wait_dialog_closed().await;
    let rows = app
        .wait_contains("agreement-table", &["中国银行泰安分行"])
        .await;
    assert!(rows.contains("70%") && rows.contains("90"), "{rows}");

    // Cities and the rate table.
    tab(&app, "cities").await;
    app.click("city-edit-taian").await;
    fill(
        &app,
        &[
            ("premium_subsidy_share", "50"),
            ("interest_subsidy_share", "120"),
        ],
    )
    .await;
    let item = app
        .wait_contains("field-interest_subsidy_share", &["0 到 1"])
        .await;
    // Beside the field as the form labels it, in the user's words: no internal name.
    assert!(
        item.contains("贴息比例") && !item.contains("interest_subsidy_share"),
        "{item}"
    );
    fill(&app, &[("interest_subsidy_share", "30")]).await;
    app.wait_dialog_closed().await;
    let cities = app.wait_contains("city-settings", &["50%", "30%"]).await;
    assert!(cities.contains("泰安"), "{cities}");
    // Zibo joins the pilot: one more 是 in the 纳入试点 column.
    let before = app.inner_text("city-settings").await.matches('是').count();
    app.click("city-edit-zibo").await;
    app.by_test_id("form-dialog").await;
    app.click_css("[data-testid=\"field-in_pilot\"] .el-checkbox")
        .await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    let mut after = before;
    for _ in 0..50 {
        after = app.inner_text("city-settings").await.matches('是').count();
        if after > before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(after, before + 1, "Zibo is in the pilot now");
    app.click("rate-add").await;
    app.by_test_id("form-dialog").await;
    app.type_into("field-effective", "2027-01-01\u{E007}").await;
    fill(&app, &[("rate", "2.95")]).await;
    app.wait_dialog_closed().await;
    let rates = app.wait_contains("rate-table", &["2027-01-01"]).await;
    assert!(
        rates.contains("2.95%") && rates.contains("一年期LPR"),
        "{rates}"
    );
    app.screenshot("settings-cities").await;

    // Users: add a field agent.
    tab(&app, "users").await;
    app.wait_contains("user-table", &["bo-icbc"]).await;
    app.click("user-add").await;
    app.by_test_id("form-dialog").await;
    app.choose("input-role", "外勤人员").await;
    fill(
        &app,
        &[
            ("username", "agent-ta"),
            ("display_name", "泰安外勤 周强"),
            ("password", "field-2016-pw"),
        ],
    )
    .await;
    app.wait_dialog_closed().await;
    app.wait_contains("user-table", &["泰安外勤 周强"]).await;
    // Disable (停用, confirmed), then enable again with a new password.
    app.click("user-remove-agent-ta").await;
    app.click_css(".el-popconfirm .el-button--primary").await;
    app.wait_contains("user-table", &["已停用"]).await;
    app.click("user-reset-agent-ta").await;
    fill(
        &app,
        &[("password", "field-2017-pw"), ("again", "field-2017-pw")],
    )
    .await;
    app.wait_dialog_closed().await;
    let users = app.wait_contains("user-table", &["泰安外勤 周强"]).await;
    assert!(!users.contains("已停用"), "enabled again: {users}");
    app.screenshot("settings-users").await;

    // Backup (the save dialog, run by the app, supplies the path), then a change, then
    // restore: the change made after the backup is gone and the audit chain is intact.
    tab(&app, "backup").await;
    // The webview cannot name a path: a path in the call is ignored, the dialog decides.
    let planted = data.join("from-the-page.sdbackup");
    app.answer_dialog(None);
    let cancelled = app
        .forced_invoke("backup", serde_json::json!({"path": planted}))
        .await;
    assert!(cancelled.is_null(), "{cancelled}");
    assert!(!planted.exists(), "nothing written where the page said");
    // Nor can the dialog's answer point into the app's data folder (over the key file).
    let keys = data.join("cn.gov.sd.suretydesk").join("surety.db.keys");
    let keys_before = std::fs::read(&keys).unwrap();
    app.answer_dialog(Some(&keys));
    let refused = app.forced_invoke("backup", serde_json::json!({})).await;
    assert_eq!(refused["code"], "PATH_NOT_ALLOWED", "{refused}");
    assert_eq!(std::fs::read(&keys).unwrap(), keys_before);
    let backup = data.join("before.sdbackup");
    app.answer_dialog(Some(&backup));
    let refused = app.forced_invoke("backup", serde_json::json!({})).await;
    assert!(refused.is_null(), "{refused}");
    assert!(backup.exists());
    let plain = std::fs::read(&backup).unwrap();
    assert!(
        !plain
            .windows("中国银行泰安分行".len())
            .any(|w| w == "中国银行泰安分行".as_bytes()),
        "the backup is encrypted"
    );
    tab(&app, "orgs").await;
    app.click("org-add").await;
    app.by_test_id("form-dialog").await;
    app.choose("input-kind", "保险公司").await;
    fill(
        &app,
        &[("code", "after-backup"), ("name", "备份后登记的公司")],
    )
    .await;
    app.wait_dialog_closed().await;
    app.wait_contains("org-table", &["备份后登记的公司"]).await;
    app.answer_dialog(Some(&backup));
    let chosen = app
        .forced_invoke("choose_restore_file", serde_json::json!({}))
        .await;
    assert!(chosen.is_null(), "{chosen}");
    let wrong = app
        .forced_invoke(
            "restore",
            serde_json::json!({"password": "not-it", "allowForeign": false}),
        )
        .await;
    assert!(!wrong.is_null(), "a wrong password is refused");
    let restored = app
        .forced_invoke(
            "restore",
            serde_json::json!({"password": "demo-pilot-2016", "allowForeign": false}),
        )
        .await;
    assert!(restored.is_null(), "{restored}");
    // Still signed in, on the restored database.
    app.click("menu-dashboard").await;
    app.click("menu-settings").await;
    tab(&app, "orgs").await;
    let orgs = app.wait_contains("org-table", &["中国银行泰安分行"]).await;
    assert!(!orgs.contains("备份后登记的公司"), "{orgs}");
    tab(&app, "backup").await;
    app.click("audit-verify").await;
    let audit = app.wait_contains("audit-result", &["审计链完整"]).await;
    assert!(audit.contains("条"), "{audit}");
    app.screenshot("settings-backup").await;
    app.click("lang-en").await;
    tab(&app, "cities").await;
    app.wait_contains("city-settings", &["Premium subsidy"])
        .await;
    app.screenshot("settings-cities-en").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_officer_reads_settings_and_exports_the_case_list() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(120);
    // R-DEFAULT-1: the bank found one of its borrowers evading debts (through the CLI).
    let flag = std::process::Command::new(surety_e2e::cli::surety_binary())
        .args(["--db", surety_e2e::demo::demo_db(&data).to_str().unwrap()])
        .args(["--user", "bo-icbc", "--as-of", "2016-12-31", "case", "flag"])
        .env("SURETY_PASSWORD", "demo-pilot-2016")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(
                r#"{"case_no": "ICBC-YT-2016-000001", "note": "转移资产逃避还款"}"#.as_bytes(),
            )?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(
        flag.status.success(),
        "{}",
        String::from_utf8_lossy(&flag.stderr)
    );
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("bo-icbc", "demo-pilot-2016").await;
    app.click("menu-settings").await;
    tab(&app, "orgs").await;
    app.wait_contains("org-table", &["中国工商银行烟台分行"])
        .await;
    assert!(!app.exists("org-add").await, "only admins register");
    assert!(!app.exists("tab-users").await);
    let refused = app
        .forced_invoke(
            "add_organisation",
            serde_json::json!({"input": {"kind": "bank", "code": "x", "name": "X"}}),
        )
        .await;
    assert_eq!(refused["code"], "NOT_PERMITTED", "{refused}");
    let refused = app
        .forced_invoke(
            "set_reference_rate",
            serde_json::json!({"input": {"effective": "2027-01-01", "rate": "0.03"}}),
        )
        .await;
    assert_eq!(refused["code"], "NOT_PERMITTED", "{refused}");

    // 统计: the loss-ratio table and the export of what the filters match.
    app.click("menu-statistics").await;
    let ratios = app.wait_contains("stats-loss-ratios", &["德州"]).await;
    assert!(ratios.contains('%'), "{ratios}");
    // The flagged borrower is listed for the authorities, and exported encrypted.
    let flagged = app
        .wait_contains(
            "stats-flagged",
            &["ICBC-YT-2016-000001", "转移资产逃避还款"],
        )
        .await;
    assert!(flagged.contains("2016-12-31"), "{flagged}");
    let list_file = data.join("flagged.xlsx");
    app.answer_dialog(Some(&list_file));
    let refused = app
        .forced_invoke(
            "export_flagged",
            serde_json::json!({"password": EXPORT_PASSWORD}),
        )
        .await;
    assert!(refused.is_null(), "{refused}");
    {
        use calamine::Reader;
        let mut book = open_export(&list_file);
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.rows().skip(1).count(), 1, "one flagged borrower");
    }
    app.choose("filter-city", "烟台").await;
    let matching = app.wait_contains("stats-matching", &["件"]).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot("statistics").await;
    app.click("lang-en").await;
    app.wait_contains("stats-loss-ratios", &["Dezhou"]).await;
    app.screenshot("statistics-en").await;
    let n: usize = matching
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    // 导出 Excel asks for the file's password first (twice, compared before anything runs).
    app.click("stats-export").await;
    app.by_test_id("form-dialog").await;
    app.type_into("field-password", "file-pass-2016").await;
    app.type_into("field-again", "file-pass-2017\u{E007}").await;
    // (The window is in English since the screenshot above.)
    let again = app.wait_contains("field-again", &["differ"]).await;
    assert!(again.contains("The two passwords differ"), "{again}");
    app.screenshot("export-password").await;
    app.click_css(".el-dialog__headerbtn").await;
    app.wait_dialog_closed().await;

    let out = data.join("yantai.xlsx");
    // The export dialog asks for the file's password (twice), then the app's save dialog
    // for the path. A short password is refused at its field before the dialog opens.
    app.answer_dialog(Some(&out));
    let refused = app
        .forced_invoke(
            "export_cases",
            serde_json::json!({"filter": {"city": "yantai"}, "password": "1234"}),
        )
        .await;
    assert_eq!(refused["field"], "password", "{refused}");
    assert!(!out.exists(), "nothing written");
    let refused = app
        .forced_invoke(
            "export_cases",
            serde_json::json!({"filter": {"city": "yantai"}, "password": EXPORT_PASSWORD}),
        )
        .await;
    assert!(refused.is_null(), "{refused}");
    use calamine::Reader;
    let mut book = open_export(&out);
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<_> = sheet.rows().skip(1).collect();
    assert_eq!(rows.len(), n, "one row per matching case");
    assert!(rows.iter().all(|r| r
        .iter()
        .any(|c| matches!(c, calamine::Data::String(s) if s == "烟台"))));
    app.close().await;
}
