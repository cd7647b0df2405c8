//! Issue 16 in the real window: a bank officer at the office opens a field laptop's bundle
//! in 数据交换, sees in the preview that the agent's site visit conflicts with the bank's
//! own correction, imports it, compares both versions side by side in the conflict list,
//! takes the agent's, and finds it on the case page.

use serde_json::json;
use surety_e2e::cli::Office;
use surety_e2e::demo::{demo_data, demo_db, DEMO_PASSWORD};
use surety_e2e::field::{enrol_laptop, LAPTOP_PASSWORD, PHRASE};
use surety_e2e::pilot::{application, CODE_A, YANTAI};
use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

const LAPTOP_DAY: &str = "2016-12-20";

fn visit(case_no: &str, findings: &str, recommendation: &str, base: &serde_json::Value) -> String {
    json!({
        "case_no": case_no, "visited_on": "2016-12-18", "place": "烟台市福山区门楼镇",
        "in_operation": true, "findings": findings, "recommendation": recommendation, "base": base,
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_officer_previews_a_bundle_and_resolves_the_site_visit_conflict() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(40);
    let office = Office::at(demo_db(&data));
    let as_office = |user: &str, args: &[&str], body: &str| {
        let out = office.run_with(
            Some(user),
            DEMO_PASSWORD,
            None,
            args,
            body,
            &[("SURETY_ENROL_PASSPHRASE", PHRASE)],
        );
        assert_eq!(out.code, 0, "surety {}: {}", args.join(" "), out.stderr);
        out.json()
    };
    let files = tempfile::tempdir().unwrap();
    let office_id = as_office("admin", &["sync", "identity"], "")["installation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let laptop = enrol_laptop(&office, DEMO_PASSWORD, files.path(), "吴磊的笔记本");
    let agent = |args: &[&str], body: &str| {
        let out = laptop.run_as(Some("agent"), LAPTOP_PASSWORD, Some(LAPTOP_DAY), args, body);
        assert_eq!(out.code, 0, "surety {}: {}", args.join(" "), out.stderr);
        out.json()
    };
    let export = |name: &str| {
        let f = files.path().join(name);
        agent(
            &[
                "bundle",
                "export",
                "--to",
                &office_id,
                "--out",
                f.to_str().unwrap(),
            ],
            "",
        );
        f
    };

    // In the village: an application and its site visit, taken in at the office.
    let wu = agent(
        &["case", "intake"],
        &application(&YANTAI, "烟台福山果蔬加工厂", CODE_A, "120000").to_string(),
    )["case_no"]
        .as_str()
        .unwrap()
        .to_string();
    let r1 = agent(
        &["visit", "record"],
        &visit(&wu, "车间在生产，工人12名", "support", &json!(null)),
    )["revision"]
        .clone();
    let first = export("first.bundle");
    let taken = as_office(
        "admin",
        &["bundle", "import", "--from", first.to_str().unwrap()],
        "",
    );
    let case_no = taken["lines"][0]["case_no"].as_str().unwrap().to_string();

    // Both correct the visit from r1: the agent adds the stock, the bank notes the lease.
    agent(
        &["visit", "record"],
        &visit(
            &wu,
            "车间在生产，工人12名，成品库存约20万元",
            "support",
            &r1,
        ),
    );
    let second = export("second.bundle");
    as_office(
        "bo-icbc",
        &["visit", "record"],
        &visit(&case_no, "厂房系租赁，租期至2017年", "caution", &r1),
    );

    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("bo-icbc", DEMO_PASSWORD).await;
    app.goto("/bundles").await;
    app.answer_dialog(Some(&second));
    app.click("bundle-choose").await;
    let lines = app
        .wait_contains("bundle-lines", &["实地走访", "冲突"])
        .await;
    assert!(lines.contains(&wu), "the laptop's number: {lines}");
    assert!(app.exists("outcome-site_visit-conflict").await);
    app.screenshot("bundle-preview").await;
    // Nothing changed by the preview: no conflict yet.
    app.wait_contains("conflicts", &["没有待处理的冲突"]).await;

    app.click("bundle-apply").await;
    let listed = app
        .wait_contains(
            &format!("conflict-{case_no}"),
            &[
                "本机版本",
                "对方版本",
                "厂房系租赁，租期至2017年",
                "成品库存约20万元",
                "吴磊的笔记本",
            ],
        )
        .await;
    assert!(
        listed.contains("谨慎支持") && listed.contains("建议支持"),
        "{listed}"
    );
    app.screenshot("bundle-conflict").await;

    app.click("keep-theirs").await;
    app.wait_contains("conflicts", &["没有待处理的冲突"]).await;

    app.goto(&format!("/cases/{case_no}")).await;
    let card = app
        .wait_contains(
            "site-visit",
            &["车间在生产，工人12名，成品库存约20万元", "建议支持"],
        )
        .await;
    assert!(
        card.contains("bo-icbc"),
        "resolved by the bank's officer: {card}"
    );
    app.close().await;

    // The office's record of it: the resolution on the case's timeline.
    let shown = as_office("auditor", &["case", "show", &case_no], "");
    assert!(
        shown["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "case.conflict_resolved" && e["actor"] == "bo-icbc"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_enrols_a_field_laptop_in_settings_and_the_laptop_is_made_from_the_file() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(20);
    let files = tempfile::tempdir().unwrap();
    let enrolment = files.path().join("wu.enrol");
    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("admin", DEMO_PASSWORD).await;
    app.goto("/settings").await;
    app.click_css("#tab-peers").await;
    app.click("peer-enrol").await;
    app.by_test_id("form-dialog").await;
    app.choose("input-agent", "外勤 吴磊（agent）").await;
    for (key, value) in [
        ("prefix", "WU"),
        ("laptop_name", "吴磊的笔记本"),
        ("office_name", "烟台办公室"),
        ("passphrase", PHRASE),
        ("again", "village-2016-xx"),
    ] {
        app.type_into(&format!("field-{key}"), value).await;
    }
    app.submit_dialog().await;
    app.wait_contains("form-dialog", &["两次输入的口令不一致"])
        .await;
    app.type_into("field-again", PHRASE).await;
    app.answer_dialog(Some(&enrolment));
    app.submit_dialog().await;
    app.wait_dialog_closed().await;
    let peers = app
        .wait_contains("peers", &["吴磊的笔记本", "外勤笔记本"])
        .await;
    assert!(!peers.contains("合作机构"), "{peers}");
    app.screenshot("settings-peers").await;
    app.close().await;

    // The file makes the laptop, which quotes and numbers provisionally.
    let laptop = Office::empty();
    let made = laptop.run_with(
        None,
        DEMO_PASSWORD,
        None,
        &["field", "init", "--from", enrolment.to_str().unwrap()],
        "",
        &[
            ("SURETY_ENROL_PASSPHRASE", PHRASE),
            ("SURETY_NEW_PASSWORD", LAPTOP_PASSWORD),
        ],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let out = laptop.run_as(
        Some("agent"),
        LAPTOP_PASSWORD,
        Some(LAPTOP_DAY),
        &["case", "intake"],
        &application(&YANTAI, "烟台福山果蔬加工厂", CODE_A, "120000").to_string(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.json()["case_no"]
        .as_str()
        .unwrap()
        .starts_with("WU-2016"));
}
