//! Issue 7 in the real window (tauri-driver + WebKitWebDriver under Xvfb): first run and
//! sign-in, the case list over a demo database, what a bank officer sees and may do, and a
//! rule error next to its field in both languages.

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use surety_e2e::cli::surety_binary;
use surety_e2e::demo::{demo_case, demo_data, demo_db};
use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

fn demo_count(data: &Path) -> usize {
    let db = demo_db(data);
    let out = Command::new(surety_binary())
        .args([
            "--db",
            db.to_str().unwrap(),
            "case",
            "list",
            "--limit",
            "500",
        ])
        .env("SURETY_PASSWORD", "demo-pilot-2016")
        .output()
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_creates_the_admin_then_sign_out_and_in() {
    if skip_ui_tests() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let app = AppWindow::launch_with_data(&app_binary(), data.path()).await;
    // No database yet: the first-run form asks for the admin's name too.
    app.by_test_id("signin-display-name").await;
    app.screenshot("first-run").await;
    app.type_into("signin-username", "admin").await;
    app.type_into("signin-display-name", "系统管理员").await;
    app.type_into("signin-password", "a-long-password").await;
    app.type_into("signin-confirm", "a-long-password").await;
    app.click("signin-submit").await;
    assert_eq!(
        app.wait_text("current-user", "系统管理员").await,
        "系统管理员"
    );
    assert!(data.path().join("cn.gov.sd.suretydesk/surety.db").exists());
    assert!(data
        .path()
        .join("cn.gov.sd.suretydesk/surety.db.keys")
        .exists());

    app.click("sign-out").await;
    app.by_test_id("signin-password").await;
    assert!(
        !app.exists("signin-display-name").await,
        "the database exists now: plain sign-in"
    );
    app.type_into("signin-username", "admin").await;
    app.type_into("signin-password", "not-the-password").await;
    app.click("signin-submit").await;
    let form = app.wait_contains("signin-form", &["密码错误"]).await;
    assert!(form.contains("密码错误"), "{form}");
    app.type_into("signin-password", "a-long-password").await;
    app.click("signin-submit").await;
    assert_eq!(
        app.wait_text("current-user", "系统管理员").await,
        "系统管理员"
    );
    app.close().await;
}

/// The case table's rows as the page shows them.
async fn table_rows(app: &AppWindow) -> Vec<String> {
    let rows = app
        .client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=case-table] tbody tr')).map(r => r.innerText)",
            vec![],
        )
        .await
        .unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_list_searches_a_demo_database_and_opens_a_case() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(200);
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("auditor", "demo-pilot-2016").await;
    // Whoever signs in lands on 工作台.
    let landed = app
        .wait_script("return location.hash", &["#/dashboard"])
        .await;
    assert_eq!(landed, "#/dashboard");
    app.click("menu-cases").await;
    let table = app.wait_contains("case-table", &["ICBC-YT", "¥"]).await;
    assert!(table.contains("¥"), "{table}");
    // The auditor reads: what the role may not do is not offered.
    assert!(app.exists("export-cases").await, "the list is there");
    assert!(!app.exists("new-case").await, "no intake for the auditor");
    assert!(
        !app.exists("batch-print").await,
        "no batch print for the auditor"
    );
    // The total is what the service counts (the demo's refused applications never became cases).
    let total = demo_count(&data);
    let pager = app
        .wait_contains("case-pager", &[&format!("共 {total} 条")])
        .await;
    assert!(
        pager.contains(&format!("共 {total} 条")),
        "the total: {pager}"
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.screenshot("cases-zh").await;

    // Sorting by amount, largest first: the service orders all cases, not just the page.
    app.click("sort-principal").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let amounts = app
        .client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=case-table] tbody tr td:nth-child(6)')).map(td => td.innerText.replace(/[¥,.]/g, ''))",
            vec![],
        )
        .await
        .unwrap();
    let amounts: Vec<u64> = amounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap_or("0").parse().unwrap_or(0))
        .collect();
    assert!(amounts.len() > 1, "rows: {amounts:?}");
    assert!(
        amounts.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {amounts:?}"
    );
    assert!(app.inner_text("sort-principal").await.contains('▼'));
    app.click("sort-applied").await;

    app.type_into("case-search", "海丰水产").await;
    app.click("case-search-button").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.wait_contains("case-table", &["海丰水产"]).await;
    let rows = table_rows(&app).await;
    assert!(!rows.is_empty(), "no rows");
    for row in &rows {
        assert!(row.contains("海丰水产"), "a row that does not match: {row}");
    }

    // Open the first match.
    app.click_css("[data-testid=case-table] tbody tr td").await;
    let borrower = app.wait_contains("case-borrower", &["海丰水产"]).await;
    assert!(borrower.contains("海丰水产"));
    // The timeline in the reader's language: the person and what they did, no action codes.
    let timeline = app.wait_contains("case-timeline", &["受理申请"]).await;
    assert!(timeline.contains("受理申请"), "{timeline}");
    assert!(
        !timeline.contains("case.") && !timeline.contains("->") && !timeline.contains("bo-icbc"),
        "{timeline}"
    );
    assert!(
        ["赵刚", "吴磊", "钱敏", "周强", "刘洋", "孙丽"]
            .iter()
            .any(|name| timeline.contains(name)),
        "people's names: {timeline}"
    );
    assert!(
        app.inner_text("case-actions").await.contains("只读"),
        "an auditor only reads"
    );
    app.screenshot("case-detail").await;

    // 返回 keeps the list's search.
    app.click_css(".el-page-header__back").await;
    assert_eq!(app.wait_value("case-search", "海丰水产").await, "海丰水产");
    app.wait_contains("case-table", &["海丰水产"]).await;
    assert_eq!(
        table_rows(&app).await,
        rows,
        "the same rows as before the case was opened"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_officer_sees_only_the_banks_steps_and_a_forced_call_is_refused() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(200);
    let approved = demo_case(&data, "approved", "yantai");
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("bo-icbc", "demo-pilot-2016").await;
    // 工作台: the bank's to-do and the watch figures; Dezhou is over 150% in the demo.
    let chart = app
        .wait_contains("chart-loss-ratio", &["德州", "已暂停"])
        .await;
    assert!(chart.contains("应补偿"), "{chart}");
    assert!(app.inner_text("tile-live").await.contains("贷款存续"));
    app.by_test_id("todo-table").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.screenshot("dashboard-bank-officer").await;
    app.goto(&format!("/cases/{approved}")).await;
    app.wait_contains("case-no", &[&approved]).await;
    let actions = app.wait_contains("case-actions", &["借款合同"]).await;
    assert!(app.exists("action-sign-loan_contract").await, "{actions}");
    assert!(
        !app.exists("action-sign-guarantee_policy").await,
        "the insurer's policy is not the bank's to sign"
    );
    assert!(!app.exists("action-premium-guarantee").await);
    app.screenshot("bank-officer-case").await;

    // Printing, as the 打印 menu does after the save dialog: the PDF is rendered from the
    // stored case and written where the user chose.
    let borrower = app.inner_text("case-borrower").await;
    let text = app.print_to_text("loan_contract", &approved).await;
    assert!(
        text.contains(borrower.trim()),
        "the contract names the borrower {borrower}"
    );
    assert!(text.contains("借款合同") && text.contains(&approved));
    assert!(app.exists("print-menu").await);

    // The UI hides it; the service refuses it anyway.
    let refused = app
        .forced_invoke(
            "case_sign",
            serde_json::json!({"input": {"case_no": approved, "document": "guarantee_policy"}}),
        )
        .await;
    assert_eq!(refused["code"], "NOT_PERMITTED", "{refused}");
    let refused = app
        .forced_invoke(
            "case_decide",
            serde_json::json!({"input": {"case_no": approved, "approve": true, "reason": ""}}),
        )
        .await;
    assert!(
        refused["code"] == "WRONG_STATE" || refused["code"] == "INVALID_INPUT",
        "{refused}"
    );

    // After both approvals the bank's withdrawal is only its consent: the case waits for
    // the insurer, and the bank cannot agree twice.
    app.click("action-withdraw").await;
    app.by_test_id("form-dialog").await;
    app.type_into("input-note", "借款人不再需要贷款").await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    let pending = app
        .wait_contains("case-withdrawal-pending", &["须另一方确认"])
        .await;
    assert!(pending.contains("银行已同意撤回"), "{pending}");
    assert_eq!(app.wait_text("case-status", "双方批准").await, "双方批准");
    assert!(!app.exists("action-withdraw").await, "agreed once");

    // 提前结清 of a running loan: the payoff card shows the figure, and the amount typed
    // from it settles the loan.
    let running = demo_case(&data, "disbursed", "yantai");
    app.goto(&format!("/cases/{running}")).await;
    app.wait_contains("case-no", &[&running]).await;
    assert_eq!(app.wait_text("case-status", "已放款").await, "已放款");
    let shown = app.wait_contains("payoff-card", &["结清应还合计"]).await;
    let total: String = app
        .inner_text("payoff-total")
        .await
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    assert!(shown.contains("年利率/360"), "{shown}");
    app.click("action-pay-off").await;
    app.by_test_id("form-dialog").await;
    app.type_into("input-amount", &total).await;
    app.submit_dialog().await;
    // The money is asked for again with the amount in capitals before it is recorded.
    let asked = app
        .wait_contains("confirm-figures", &["元", "不能撤销"])
        .await;
    let (whole, _) = total.split_once('.').unwrap_or((&total, ""));
    assert!(
        asked.contains(&whole[whole.len().saturating_sub(3)..]),
        "{asked}"
    );
    app.click_css(".confirm-ok").await;
    app.wait_dialog_closed().await;
    app.wait_contains("case-status", &["已结清"]).await;
    assert!(
        !app.exists("payoff-card").await,
        "a repaid loan has no payoff"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_error_shows_next_to_its_field_in_both_languages() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(200);
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("agent", "demo-pilot-2016").await;
    app.click("menu-cases").await;
    app.click("new-case").await;
    // The live quote on the demo's business day (2016-12-31): benchmark 4.35% × 1.3 = 5.655%.
    app.type_into("intake-principal", "1000000").await;
    app.type_into("intake-rate", "6").await;
    let rate = app.wait_contains("intake-rate-item", &["超过上限"]).await;
    assert!(rate.contains("年利率 6% 超过上限 5.655%"), "{rate}");
    let quote = app.wait_contains("live-quote", &["壹佰万元整"]).await;
    assert!(
        quote.contains("壹佰万元整") && quote.contains("5.655%"),
        "{quote}"
    );
    app.screenshot("intake-zh").await;

    // A credit code with a wrong check character, refused by the service at submit.
    app.type_into("intake-name", "烟台测试有限公司").await;
    app.type_into("intake-id", "91350100M000100Y44").await;
    app.click("intake-submit").await;
    let id = app.wait_contains("intake-id-item", &["校验码错误"]).await;
    assert!(id.contains("最后一位应为 3"), "{id}");

    app.click("lang-en").await;
    let id = app
        .wait_contains("intake-id-item", &["wrong check character"])
        .await;
    assert!(id.contains("the last should be 3"), "{id}");
    let rate = app
        .wait_contains("intake-rate-item", &["above the cap"])
        .await;
    assert!(
        rate.contains("annual rate 6% is above the cap 5.655%"),
        "{rate}"
    );
    app.screenshot("intake-en").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_banks_officer_sees_none_of_a_case_and_accounts_are_guarded() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(200);
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("bo-abc", "demo-pilot-2016").await;
    app.click("menu-cases").await;
    let list = app.wait_contains("case-table", &["ABC-WF"]).await;
    assert!(
        !list.contains("ICBC-YT"),
        "only the bank's own cases: {list}"
    );
    // Searching another bank's case number finds nothing; a forced call is not found.
    let refused = app
        .forced_invoke(
            "case_show",
            serde_json::json!({"caseNo": "ICBC-YT-2016-000001"}),
        )
        .await;
    assert_eq!(refused["code"], "NOT_FOUND", "{refused}");
    let refused = app
        .forced_invoke(
            "print_preview",
            serde_json::json!({"document": "repayment_schedule", "caseNo": "ICBC-YT-2016-000001"}),
        )
        .await;
    assert_eq!(refused["code"], "NOT_FOUND", "{refused}");
    // Changing one's password needs the current one; the idle lock's length is checked.
    let refused = app
        .forced_invoke(
            "change_password",
            serde_json::json!({"currentPassword": "not-it-2016", "newPassword": "a-new-pass-2016"}),
        )
        .await;
    assert_eq!(refused["field"], "current_password", "{refused}");
    let refused = app
        .forced_invoke("set_idle_lock", serde_json::json!({"minutes": 0}))
        .await;
    assert_eq!(refused["field"], "minutes", "{refused}");
    app.close().await;
}
