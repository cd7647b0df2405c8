//! `surety intake` / 受理申请: an application from JSON, taken by a bank officer of an
//! installation with one agreement (Yantai, ICBC, PICC). Refused input changes nothing;
//! accepted input is a case with the principal asked for.

use std::sync::{Mutex, OnceLock};
use surety::api::{
    AgreementInput, CaseListInput, DatabaseUse, Desk, IntakeInput, KdfParams, OrgInput, UserInput,
};

const PASSWORD: &str = "fuzz-passphrase-1";

struct Office {
    desk: Desk,
    /// Keeps the database's folder for the process's life.
    _dir: tempfile::TempDir,
}

fn office() -> Office {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("fuzz.db");
    let mut admin = Desk::first_run(
        &db,
        "admin",
        "管理员",
        PASSWORD,
        KdfParams::for_tests(),
        DatabaseUse::Replay,
    )
    .expect("first run");
    admin.set_kdf(KdfParams::for_tests());
    let org = |kind: &str, code: &str, name: &str, city: Option<&str>| OrgInput {
        kind: kind.into(),
        code: code.into(),
        name: name.into(),
        city: city.map(str::to_string),
    };
    admin
        .add_organisation(&org(
            "insurer",
            "picc",
            "中国人民财产保险股份有限公司山东省分公司",
            None,
        ))
        .expect("insurer");
    admin
        .add_organisation(&org(
            "bank",
            "icbc-yt",
            "中国工商银行烟台分行",
            Some("yantai"),
        ))
        .expect("bank");
    admin
        .add_agreement(&AgreementInput {
            bank: "icbc-yt".into(),
            insurer: "picc".into(),
            city: "yantai".into(),
            insurer_share: Some("0.7".into()),
            waiting_period_days: Some(90),
            claim_payment_days: None,
            borrower_soft_cap: None,
            guarantee_rate: "0.02".into(),
            accident_rate: "0.005".into(),
            signed_on: "2015-11-20".into(),
        })
        .expect("agreement");
    admin
        .add_user(
            &UserInput {
                username: "bo-icbc".into(),
                display_name: "工行客户经理".into(),
                role: "bank_officer".into(),
                organisation: Some("icbc-yt".into()),
            },
            PASSWORD,
        )
        .expect("officer");
    drop(admin);
    let mut desk = Desk::open(&db, "bo-icbc", PASSWORD).expect("the officer signs in");
    desk.set_today(chrono_date(2016, 3, 15));
    Office { desk, _dir: dir }
}

fn chrono_date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn case_count(desk: &mut Desk) -> u64 {
    desk.case_list(&CaseListInput {
        limit: Some(1),
        ..Default::default()
    })
    .expect("the case list reads")
    .total
}

static OFFICE: OnceLock<Mutex<Office>> = OnceLock::new();

/// One application through the office's intake, with the target's checks: what the test
/// of the seeds calls.
pub fn take(input: &IntakeInput) -> Result<(), String> {
    let mut office = OFFICE
        .get_or_init(|| Mutex::new(office()))
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let before = case_count(&mut office.desk);
    match office.desk.intake(input) {
        Ok(case) => {
            assert_eq!(case_count(&mut office.desk), before + 1, "one case more");
            // Accepted as people write amounts (5,000 or 50万): the case keeps that amount.
            let asked = surety_domain::Money::from_written(&input.principal).expect("accepted");
            let kept: surety_domain::Money = case.principal.0.parse().expect("a case's principal");
            assert_eq!(kept, asked, "the case's principal");
        }
        Err(e) => {
            assert_eq!(
                case_count(&mut office.desk),
                before,
                "a refused intake wrote a case"
            );
            assert!(
                !e.message_zh.is_empty() && !e.message_en.is_empty(),
                "a refusal says why in both languages: {e:?}"
            );
            return Err(e.message_en);
        }
    }
    Ok(())
}

pub fn intake_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(input) = serde_json::from_str::<IntakeInput>(text) {
        let _ = take(&input);
    }
}
