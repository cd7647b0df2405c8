//! Issue 7 in the real window: one case from intake through both investigations and both
//! approvals to a previewed and printed contract, and a batch print with progress and cancel.
//! Issue 13 (R-CLAIM-4): a delayed claim on both sides' to-do lists, refused with a reason
//! the bank then reads, and an accident claim applied to a running loan (R-CLAIM-3); (R-STOP-2) an insurer records the city's compensation payment.

use serde_json::Value;
use std::time::Duration;
use surety_e2e::demo::{demo_case, demo_data, demo_db, DEMO_PASSWORD};
use surety_e2e::pilot::CODE_A;
use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

async fn switch_user(app: &AppWindow, user: &str) {
    // By script: a closing dialog's fading overlay may still cover the header.
    app.click_css("[data-testid=\"sign-out\"]").await;
    app.sign_in(user, "demo-pilot-2016").await;
}

async fn open_case(app: &AppWindow, case_no: &str) {
    app.goto(&format!("/cases/{case_no}")).await;
    app.wait_contains("case-no", &[case_no]).await;
}

/// Runs one step from the case page: its button, the dialog's OK, then waits for the state.
async fn step(app: &AppWindow, button: &str, note: Option<&str>, state: &str) {
    app.click(button).await;
    app.by_test_id("form-dialog").await;
    if let Some(n) = note {
        app.type_into("input-note", n).await;
    }
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    let status = app.wait_contains("case-status", &[state]).await;
    assert!(status.contains(state), "after {button}: {status}");
}

/// 登记资信调查 from the case page: no finding starts ticked, so each clean finding is
/// ticked by hand before OK.
async fn investigate(app: &AppWindow, note: &str) {
    app.click("action-investigate").await;
    app.by_test_id("form-dialog").await;
    for finding in ["tax", "evasion", "violations"] {
        assert_eq!(
            checked(app, finding).await,
            "false",
            "{finding} starts unticked"
        );
        app.click(&format!("input-{finding}")).await;
    }
    app.type_into("input-note", note).await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
}

/// Whether the dialog's box for `key` is ticked ("true"/"false").
async fn checked(app: &AppWindow, key: &str) -> String {
    let script = format!(
        "const all = document.querySelectorAll('[data-testid=\"input-{key}\"] input'); const i = all[all.length - 1]; return i ? String(i.checked) : 'none';"
    );
    app.wait_script(&script, &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_from_intake_to_a_printed_contract() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(60);
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;

    // The bank officer takes the application in.
    app.sign_in("bo-icbc", "demo-pilot-2016").await;
    app.click("menu-cases").await;
    app.click("new-case").await;
    app.type_into("intake-name", "烟台窗口测试粮油有限公司")
        .await;
    app.type_into("intake-id", CODE_A).await;
    app.type_into("intake-since-item", "2013-05-01\u{E007}")
        .await;
    app.choose("intake-bank", "中国工商银行烟台分行").await;
    app.choose("intake-insurer", "山东省小额贷款保证保险共保体")
        .await;
    // Typed as people write it: 30万 is ¥300,000.00, shown back in figures and capitals.
    app.type_into("intake-principal", "30万").await;
    // The demo's business day is 2016-12-31: benchmark 4.35% × 1.3 caps the rate at 5.655%.
    app.type_into("intake-rate", "5").await;
    let quote = app
        .wait_contains("live-quote", &["叁拾万元整", "¥300,000.00"])
        .await;
    assert!(quote.contains("5.655%"), "the 2016 cap: {quote}");
    // What cannot be read as an amount is said beside the principal, and the quote goes.
    app.type_into("intake-principal", "30万元5").await;
    let said = app
        .wait_contains("intake-principal-item", &["不是有效金额"])
        .await;
    assert!(
        !said.contains("principal") && said.contains("50万"),
        "in the user's words, with what is allowed: {said}"
    );
    // Enter in a text field submits the application, as the button does: 300,000 is read
    // as the same amount.
    app.type_into("intake-principal", "300,000\u{E007}").await;
    let status = app.wait_contains("case-status", &["受理"]).await;
    let case_no = app.inner_text("case-no").await.trim().to_string();
    assert!(case_no.starts_with("ICBC-YT"), "{case_no} ({status})");

    // Each side investigates on its own, then each approves.
    investigate(&app, "银行调查：经营正常").await;
    // A second investigation edits the first in view: its findings and note filled in.
    app.click("action-investigate").await;
    let dialog = app
        .wait_contains("form-dialog", &["修改资信调查", "2016-12-31"])
        .await;
    assert!(dialog.contains("修改资信调查"), "{dialog}");
    let note = app
        .wait_script(
            "const all = document.querySelectorAll('textarea[data-testid=\"input-note\"]'); return all[all.length - 1].value",
            &["银行调查：经营正常"],
        )
        .await;
    assert_eq!(note, "银行调查：经营正常");
    for finding in ["tax", "evasion", "violations"] {
        assert_eq!(
            checked(&app, finding).await,
            "true",
            "{finding} as recorded"
        );
    }
    app.click_css("[data-testid=\"form-dialog\"] .el-dialog__footer button")
        .await;
    app.wait_dialog_closed().await;
    switch_user(&app, "uw-pool").await;
    open_case(&app, &case_no).await;
    investigate(&app, "保险调查：纳税正常").await;
    let status = app.inner_text("case-status").await;
    assert!(!status.contains("受理"), "both investigated: {status}");
    // No decision before the joint review is on record (§4.1): the buttons wait for it.
    assert!(
        !app.exists("action-approve").await,
        "approve offered before the review"
    );
    step(&app, "action-review", Some("会商：经营稳定，同意"), "").await;
    app.click("action-approve").await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    switch_user(&app, "bo-icbc").await;
    open_case(&app, &case_no).await;
    app.click("action-approve").await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    app.wait_contains("case-status", &["双方批准"]).await;
    app.screenshot("case-approved").await;

    // 打印 → 借款合同: the preview shows the contract as it will print.
    app.click("print-menu").await;
    app.click_css("[data-testid=\"print-loan_contract\"]").await;
    app.by_test_id("preview-dialog").await;
    let label_script = "const el = document.querySelector('[data-testid=\"preview-pages\"]');
        return el ? (el.getAttribute('aria-label') || '') : ''";
    let mut shown = String::new();
    for _ in 0..100 {
        if let Ok(serde_json::Value::String(s)) = app.client.execute(label_script, vec![]).await {
            shown = s;
        }
        if !shown.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let shown = shown.replace([' ', '\n'], "");
    assert!(
        shown.contains("烟台窗口测试粮油有限公司") && shown.contains("借款合同"),
        "the preview's text: {shown}"
    );
    assert!(app.exists("preview-page-1").await, "a page drawn");
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot("print-preview").await;

    // 保存并打开: the save dialog's path, then the same command.
    let text = app.print_to_text("loan_contract", &case_no).await;
    assert!(
        text.contains("烟台窗口测试粮油有限公司") && text.contains("叁拾万元整"),
        "{text}"
    );

    // Each side signs its documents: the buttons are the process model's next steps.
    // (The preview is closed first; buttons are pressed by script while overlays fade.)
    app.client
        .execute(
            "document.querySelectorAll('.el-dialog__headerbtn').forEach((b) => b.click())",
            vec![],
        )
        .await
        .expect("close the preview");
    app.click_css("[data-testid=\"action-sign-loan_contract\"]")
        .await;
    app.wait_contains("case-process", &["ICBC-YT-JK"]).await;
    assert!(
        !app.exists("action-sign-guarantee_policy").await,
        "the insurer's, not the bank's"
    );
    switch_user(&app, "uw-pool").await;
    open_case(&app, &case_no).await;
    app.click_css("[data-testid=\"action-sign-guarantee_policy\"]")
        .await;
    app.wait_contains("case-process", &["BZ"]).await;
    app.click_css("[data-testid=\"action-sign-accident_policy\"]")
        .await;
    app.wait_contains("case-status", &["合同已签"]).await;
    // The premium is typed as received, not copied from the quote: a wrong figure is
    // refused with the figure due, which the user then types.
    app.click_css("[data-testid=\"action-premium-guarantee\"]")
        .await;
    app.by_test_id("form-dialog").await;
    app.type_into("input-amount", "100.00").await;
    app.submit_dialog().await;
    let refused = app.wait_contains("form-dialog", &["不符"]).await;
    let due = refused
        .split("应收 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .expect("the refusal names the figure due")
        .to_string();
    assert_ne!(due, "100.00", "{refused}");
    app.type_into("input-amount", &due).await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    assert!(
        !app.exists("action-premium-guarantee").await,
        "recorded once"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_print_shows_progress_and_stops_when_cancelled() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(200);
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("admin", "demo-pilot-2016").await;
    app.click("menu-cases").await;
    app.wait_contains("case-table", &["ICBC-YT"]).await;

    // Every case's repayment schedule: long enough to cancel half-way.
    let folder = tempfile::tempdir().unwrap();
    app.click("batch-print").await;
    app.by_test_id("batch-dialog").await;
    app.choose("batch-document", "还款计划表").await;
    app.answer_dialog(Some(folder.path()));
    // A script's click: the select's list may still be closing over the button, and a
    // pointer click then lands on the list (seen once under a full run's load).
    app.click_css("[data-testid=\"batch-choose\"]").await;
    let shown = folder.path().to_str().unwrap();
    assert_eq!(app.wait_value("batch-folder", shown).await, shown);
    app.click("batch-start").await;
    // Progress arrives file by file through the channel.
    let status = app.wait_contains("batch-status", &["已完成"]).await;
    assert!(status.contains(" / "), "{status}");
    app.screenshot("batch-print").await;
    app.click("batch-cancel").await;
    let done = app.wait_contains("batch-status", &["已取消"]).await;
    let written = std::fs::read_dir(folder.path()).unwrap().count();
    assert!(written > 0, "some files were written");
    assert!(
        done.contains(&format!("已生成 {written} 份")),
        "the count shown is the files on disk ({written}): {done}"
    );
    let total: usize = status
        .split(" / ")
        .nth(1)
        .and_then(|s| s.split('：').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(
        written < total,
        "cancel stopped it: {written} of {total} written"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delayed_claim_is_refused_with_a_reason_the_bank_reads() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(60);
    // The demo's Yantai claim was filed on 2016-11-30: its 10 days ran to 12-10, so on the
    // demo's business day, 2016-12-31, it is 21 days late.
    let claimed = demo_case(&data, "claimed", "yantai");
    let running = demo_case(&data, "disbursed", "yantai");
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("bo-icbc", "demo-pilot-2016").await;
    let todo = app.wait_contains("todo-table", &[&claimed]).await;
    assert!(todo.contains("赔款逾期未付"), "the bank's to-do: {todo}");
    open_case(&app, &claimed).await;
    let claim = app.inner_text("case-claim").await;
    assert!(
        claim.contains("2016-12-10") && claim.contains("拖赔"),
        "{claim}"
    );
    assert!(
        !app.exists("action-refuse-claim").await,
        "only the insurer refuses"
    );

    switch_user(&app, "uw-pool").await;
    app.click("menu-dashboard").await;
    let todo = app.wait_contains("todo-table", &[&claimed]).await;
    assert!(todo.contains("赔款逾期未付"), "the insurer's to-do: {todo}");
    open_case(&app, &claimed).await;
    // No reason: refused next to the field, nothing changes.
    app.click("action-refuse-claim").await;
    app.by_test_id("form-dialog").await;
    app.submit_dialog().await;
    let refused = app.wait_contains("form-dialog", &["必须说明理由"]).await;
    assert!(refused.contains("拒赔必须说明理由"), "{refused}");
    let reason = "借款人隐瞒对外担保，属除外责任";
    app.type_into("input-note", reason).await;
    app.submit_dialog().await;
    // A refusal stands: asked first, with its reason.
    let asked = app.wait_contains("confirm-figures", &[reason]).await;
    assert!(asked.contains("不能撤销"), "{asked}");
    app.click_css(".confirm-ok").await;
    app.wait_dialog_closed().await;
    let status = app.wait_contains("case-status", &["已拒赔"]).await;
    assert!(status.contains("已拒赔"), "{status}");

    // R-CLAIM-3 on a running loan: the accident claim goes to the loan and is listed.
    open_case(&app, &running).await;
    app.click("action-accident-claim").await;
    app.by_test_id("form-dialog").await;
    app.type_into("field-occurred_on", "2016-12-20\u{E007}")
        .await;
    app.type_into("input-cause", "借款人交通事故身故").await;
    app.type_into("input-amount", "20000").await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    let listed = app
        .wait_contains("case-accident-claims", &["¥20,000.00"])
        .await;
    assert!(listed.contains("交通事故"), "{listed}");

    switch_user(&app, "bo-icbc").await;
    app.click("menu-dashboard").await;
    let todo = app.wait_contains("todo-table", &["已拒赔"]).await;
    assert!(todo.contains(&claimed), "the bank's next step: {todo}");
    open_case(&app, &claimed).await;
    let refusal = app.inner_text("claim-refusal").await;
    assert!(
        refusal.contains("2016-12-31") && refusal.contains(reason),
        "{refusal}"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insurer_records_the_citys_compensation_payment() {
    if skip_ui_tests() {
        return;
    }
    // The demo's Dezhou claims take CPIC over 150% there: the city owes compensation.
    let (_keep, data) = demo_data(60);
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("uw-cpic", "demo-pilot-2016").await;
    app.click("menu-statistics").await;
    // The quarter card above loads first; the rows below stop moving once it has.
    app.by_test_id("quarter-state").await;
    app.wait_contains("stats-loss-ratios", &["德州"]).await;
    app.click("record-compensation-cpic-dezhou").await;
    app.by_test_id("form-dialog").await;
    // More than is outstanding is refused in the dialog, naming what is.
    app.type_into("input-amount", "99999999").await;
    app.type_into("field-paid_on", "2016-12-30\u{E007}").await;
    app.submit_dialog().await;
    let refused = app.wait_contains("form-dialog", &["尚未补偿"]).await;
    assert!(refused.contains("超过"), "{refused}");
    app.type_into("input-amount", "100000").await;
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    let table = app
        .wait_contains("stats-loss-ratios", &["¥100,000.00"])
        .await;
    assert!(table.contains("¥100,000.00"), "{table}");
    app.close().await;
}

/// `surety --user USER ARGS` on the demo database: its JSON answer.
fn demo_cli(data: &std::path::Path, user: &str, args: &[&str]) -> Value {
    let out = std::process::Command::new(surety_e2e::cli::surety_binary())
        .arg("--db")
        .arg(demo_db(data))
        .args(["--user", user])
        .args(args)
        .env("SURETY_PASSWORD", DEMO_PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A payment is asked first with its figures; Cancel changes nothing, Confirm pays and
/// says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_a_claim_is_asked_first_with_the_amount_and_the_pool_split() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(60);
    let claimed = demo_case(&data, "claimed", "yantai");
    let case = demo_cli(&data, "uw-pool", &["case", "show", &claimed]);
    let claim = &case["claim"];
    // ¥ with thousands separators, as the window writes amounts.
    let shown = |amount: &Value| {
        let text = amount.as_str().unwrap();
        let (whole, fen) = text.split_once('.').unwrap();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("¥{grouped}.{fen}")
    };
    let amount = shown(&claim["insurer"]);
    // Worked out apart from the dialog: the pool's Yantai ratio this pilot year with the
    // payment, in whole fen: (claims paid + payment) ÷ premiums received ≥ 150%.
    let fen = |v: &Value| -> i64 { v.as_str().unwrap().replace('.', "").parse().unwrap() };
    let pool_yantai = |data: &std::path::Path| {
        demo_cli(data, "auditor", &["loss-ratio"])
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["insurer"] == "sd-pool" && l["city"] == "yantai")
            .unwrap()
            .clone()
    };
    let before = pool_yantai(&data);
    assert!(before["stopped_on"].is_null(), "{before}");
    let reaches = (fen(&before["claims_paid"]) + fen(&claim["insurer"])) * 2
        >= fen(&before["premiums_received"]) * 3;
    assert!(
        reaches,
        "the demo's Yantai claim takes the pool over 150%: {before}"
    );
    let audit =
        |data: &std::path::Path| demo_cli(data, "auditor", &["audit", "verify"])["entries"].clone();
    let entries_before = audit(&data);

    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("uw-pool", DEMO_PASSWORD).await;
    open_case(&app, &claimed).await;
    app.click("action-pay-claim").await;
    let mut needles = vec![amount.clone(), "元".to_string(), shown(&claim["bank"])];
    for m in claim["members"].as_array().unwrap() {
        needles.push(m[0].as_str().unwrap().to_string());
        needles.push(shown(&m[1]));
    }
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let asked = app.wait_contains("confirm-figures", &needles).await;
    assert!(asked.contains("不能撤销"), "{asked}");
    // The demo's Yantai claim takes the pool over 150% there: said before it is paid.
    assert!(
        asked.contains("止损线 150.00%") && asked.contains("达到止损线"),
        "{asked}"
    );
    app.screenshot("pay-claim-confirm").await;

    // Cancel: nothing paid, nothing on the record.
    app.click_css(".confirm-cancel").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(app.inner_text("case-status").await.contains("已索赔"));
    assert_eq!(audit(&data), entries_before, "nothing was recorded");

    // Confirm: paid, and said so with the amount.
    app.click("action-pay-claim").await;
    app.wait_contains("confirm-figures", &[&amount]).await;
    app.click_css(".confirm-ok").await;
    app.wait_contains("case-status", &["已赔付"]).await;
    assert_eq!(
        pool_yantai(&data)["stopped_on"],
        "2016-12-31",
        "the stop, as warned"
    );
    let said = app
        .wait_script(
            "return Array.from(document.querySelectorAll('.el-message')).map(m => m.innerText).join(' ');",
            &["已支付赔款", &amount],
        )
        .await;
    assert!(said.contains(&amount), "{said}");
    app.close().await;
}
