//! A small pilot set up through the CLI: organisations, a pool, agreements, users, and
//! helpers that take a case through the usual steps.

use crate::cli::Office;
use serde_json::{json, Value};

/// Two cities' worth of pilot: a pool (PICC lead 60%, Ping An 40%) with ICBC in Yantai,
/// CPIC with the Dezhou rural bank, and a user for each side.
pub fn pilot() -> Office {
    pilot_in(Office::new(), "2015-12-01")
}

/// The same pilot in a production database, set up on `day` (its business date is the
/// real date, so `day` must be today).
pub fn production_pilot(day: &str) -> Office {
    pilot_in(Office::production(), day)
}

fn pilot_in(o: Office, day: &str) -> Office {
    let admin = |args: &[&str], body: Value| {
        o.ok("admin", day, args, body);
    };
    for (kind, code, name, city) in [
        ("insurer", "picc", "人保财险山东省分公司", None),
        ("insurer", "pingan", "平安财险山东分公司", None),
        ("insurer", "cpic", "太平洋财险山东分公司", None),
        ("pool", "sd-pool", "山东省小额贷款保证保险共保体", None),
        ("bank", "icbc-yt", "中国工商银行烟台分行", Some("yantai")),
        ("bank", "rcb-dz", "德州农村商业银行", Some("dezhou")),
    ] {
        admin(
            &["org", "add"],
            json!({"kind": kind, "code": code, "name": name, "city": city}),
        );
    }
    admin(
        &["pool", "--pool", "sd-pool"],
        json!([{"insurer": "picc", "share": "0.6", "lead": true}, {"insurer": "pingan", "share": "0.4"}]),
    );
    for (bank, insurer, city) in [
        ("icbc-yt", "sd-pool", "yantai"),
        ("rcb-dz", "cpic", "dezhou"),
    ] {
        admin(
            &["agreement"],
            json!({"bank": bank, "insurer": insurer, "city": city, "insurer_share": "0.7", "waiting_period_days": 90,
                   "guarantee_rate": "0.02", "accident_rate": "0.005", "signed_on": "2015-11-20"}),
        );
    }
    for (user, name, role, org) in [
        ("uw-pool", "共保体核保 刘洋", "underwriter", Some("sd-pool")),
        ("uw-cpic", "太保核保 孙丽", "underwriter", Some("cpic")),
        ("bo-icbc", "工行信贷 赵刚", "bank_officer", Some("icbc-yt")),
        ("bo-rcb", "农商行信贷 周强", "bank_officer", Some("rcb-dz")),
        ("agent", "外勤 吴磊", "field_agent", None),
        ("auditor", "审计 郑洁", "auditor", None),
    ] {
        admin(
            &["user", "add"],
            json!({"username": user, "display_name": name, "role": role, "organisation": org}),
        );
    }
    o
}

pub struct Channel {
    pub city: &'static str,
    pub bank: &'static str,
    pub insurer: &'static str,
    pub banker: &'static str,
    pub underwriter: &'static str,
}

pub const YANTAI: Channel = Channel {
    city: "yantai",
    bank: "icbc-yt",
    insurer: "sd-pool",
    banker: "bo-icbc",
    underwriter: "uw-pool",
};
pub const DEZHOU: Channel = Channel {
    city: "dezhou",
    bank: "rcb-dz",
    insurer: "cpic",
    banker: "bo-rcb",
    underwriter: "uw-cpic",
};

pub fn application(ch: &Channel, name: &str, credit_code: &str, principal: &str) -> Value {
    json!({
        "borrower": {"kind": "micro_enterprise", "name": name, "id_number": credit_code,
                     "address": "山东省烟台市芝罘区南大街1号", "legal_rep": "王海", "operating_since": "2012-05-01"},
        "city": ch.city, "bank": ch.bank, "insurer": ch.insurer,
        "principal": principal, "annual_rate": "0.05655", "term_months": 12, "repayment": "interest_monthly"
    })
}

/// Valid credit codes (check characters computed with the GB 32100 algorithm).
pub const CODE_A: &str = "91350100M000100Y43";
pub const CODE_B: &str = "91370602MA0000001N";
pub const CODE_C: &str = "91371402MA0000002U";

pub fn case_no(v: &Value) -> String {
    v["case_no"].as_str().unwrap().to_string()
}

/// Intake through both approvals; returns the case number.
pub fn approved(
    o: &Office,
    ch: &Channel,
    name: &str,
    code: &str,
    principal: &str,
    day: &str,
) -> String {
    approved_with(o, ch, application(ch, name, code, principal), day)
}

/// Yantai's aquaculture company (credit code A) through both approvals: the borrower most
/// tests start from.
pub fn haifeng(o: &Office, principal: &str, day: &str) -> String {
    approved(o, &YANTAI, "烟台海丰水产有限公司", CODE_A, principal, day)
}

/// Yantai's machinery company (credit code A) through both approvals.
pub fn haide(o: &Office, principal: &str, day: &str) -> String {
    approved(o, &YANTAI, "烟台海德机械有限公司", CODE_A, principal, day)
}

/// Intake of `application` through both approvals; returns the case number.
pub fn approved_with(o: &Office, ch: &Channel, application: Value, day: &str) -> String {
    let c = case_no(&o.ok("agent", day, &["case", "intake"], application));
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    o.ok(
        ch.underwriter,
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean, "note": "实地调查"}),
    );
    let v = o.ok(
        ch.banker,
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean, "attachments": ["征信报告.pdf"]}),
    );
    assert_eq!(v["status"], "joint_review");
    o.ok(
        ch.banker,
        day,
        &["case", "review"],
        json!({"case_no": c, "note": "会商同意"}),
    );
    o.ok(
        ch.underwriter,
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    let v = o.ok(
        ch.banker,
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    assert_eq!(v["status"], "approved");
    c
}

/// Signing, premiums as quoted, and disbursement, all on `day`.
pub fn disbursed(o: &Office, ch: &Channel, c: &str, day: &str) -> Value {
    signed_and_paid(o, ch, c, day);
    o.ok(ch.banker, day, &["case", "disburse"], json!({"case_no": c}))
}

pub fn signed_and_paid(o: &Office, ch: &Channel, c: &str, day: &str) -> Value {
    o.ok(
        ch.banker,
        day,
        &["case", "sign"],
        json!({"case_no": c, "document": "loan_contract"}),
    );
    o.ok(
        ch.underwriter,
        day,
        &["case", "sign"],
        json!({"case_no": c, "document": "guarantee_policy"}),
    );
    let v = o.ok(
        ch.underwriter,
        day,
        &["case", "sign"],
        json!({"case_no": c, "document": "accident_policy"}),
    );
    assert_eq!(v["status"], "signed");
    for line in ["guarantee", "accident"] {
        let due = v["quote"][format!("{line}_premium")]
            .as_str()
            .unwrap()
            .to_string();
        o.ok(
            ch.underwriter,
            day,
            &["case", "premium"],
            json!({"case_no": c, "line": line, "amount": due}),
        );
    }
    let v = o.ok("auditor", day, &["case", "show", c], json!({}));
    assert_eq!(v["status"], "premiums_received");
    v
}

/// Weifang: 潍坊银行 with CPIC alone, insurer share 80%, a 60-day waiting period, accident 1%.
pub const WEIFANG: Channel = Channel {
    city: "weifang",
    bank: "wfb-wf",
    insurer: "cpic",
    banker: "bo-wf",
    underwriter: "uw-cpic",
};

/// The pilot plus the Weifang channel and its bank officer `bo-wf`.
pub fn weifang_pilot() -> Office {
    let o = pilot();
    let admin = |args: &[&str], body: Value| {
        o.ok("admin", "2015-12-01", args, body);
    };
    admin(
        &["org", "add"],
        json!({"kind": "bank", "code": "wfb-wf", "name": "潍坊银行", "city": "weifang"}),
    );
    admin(
        &["agreement"],
        json!({"bank": "wfb-wf", "insurer": "cpic", "city": "weifang", "insurer_share": "0.8",
               "waiting_period_days": 60, "guarantee_rate": "0.02", "accident_rate": "0.01",
               "signed_on": "2015-11-20"}),
    );
    admin(
        &["user", "add"],
        json!({"username": "bo-wf", "display_name": "潍坊银行 孟军", "role": "bank_officer",
               "organisation": "wfb-wf"}),
    );
    o
}
