//! The demo installation: its organisations, the pool and its shares, the agreements of the
//! four channels, and a user for each role, each signed in on a desk of their own.

use super::cast::CHANNELS;
use std::collections::BTreeMap;
use std::path::Path;
use surety::api::{AgreementInput, Desk, DeskResult, OrgInput, PoolMemberInput, UserInput};

/// The demo's people: user name, name shown, role, organisation.
pub(super) const PEOPLE: [(&str, &str, &str, Option<&str>); 7] = [
    ("uw-pool", "共保体核保 刘洋", "underwriter", Some("sd-pool")),
    ("uw-cpic", "太保核保 孙丽", "underwriter", Some("cpic")),
    ("bo-icbc", "工行信贷 赵刚", "bank_officer", Some("icbc-yt")),
    ("bo-abc", "农行信贷 钱敏", "bank_officer", Some("abc-wf")),
    ("bo-rcb", "农商行信贷 周强", "bank_officer", Some("rcb-dz")),
    ("agent", "外勤 吴磊", "field_agent", None),
    ("auditor", "审计 郑洁", "auditor", None),
];

/// Everything the cases need, set up by the admin on the replay's first day.
pub(super) fn set_up(admin: &mut Desk, password: &str) -> DeskResult<()> {
    let org = |kind: &str, code: &str, name: &str, city: Option<&str>| OrgInput {
        kind: kind.into(),
        code: code.into(),
        name: name.into(),
        city: city.map(str::to_string),
    };
    for o in [
        org(
            "insurer",
            "picc",
            "中国人民财产保险股份有限公司山东省分公司",
            None,
        ),
        org(
            "insurer",
            "pingan",
            "中国平安财产保险股份有限公司山东分公司",
            None,
        ),
        org(
            "insurer",
            "cpic",
            "中国太平洋财产保险股份有限公司山东分公司",
            None,
        ),
        org("pool", "sd-pool", "山东省小额贷款保证保险共保体", None),
        org("bank", "icbc-yt", "中国工商银行烟台分行", Some("yantai")),
        org("bank", "abc-wf", "中国农业银行潍坊分行", Some("weifang")),
        org("bank", "rcb-dz", "德州农村商业银行", Some("dezhou")),
    ] {
        admin.add_organisation(&o)?;
    }
    admin.set_pool(
        "sd-pool",
        &[
            PoolMemberInput {
                insurer: "picc".into(),
                share: "0.6".into(),
                lead: true,
            },
            PoolMemberInput {
                insurer: "pingan".into(),
                share: "0.4".into(),
                lead: false,
            },
        ],
    )?;
    for c in &CHANNELS {
        admin.add_agreement(&AgreementInput {
            bank: c.bank.into(),
            insurer: c.insurer.into(),
            city: c.city.into(),
            insurer_share: Some("0.7".into()),
            waiting_period_days: Some(90),
            claim_payment_days: None,
            borrower_soft_cap: None,
            guarantee_rate: "0.02".into(),
            accident_rate: "0.005".into(),
            signed_on: "2015-11-20".into(),
        })?;
    }
    for (username, name, role, org) in PEOPLE {
        admin.add_user(
            &UserInput {
                username: username.into(),
                display_name: name.into(),
                role: role.into(),
                organisation: org.map(str::to_string),
            },
            password,
        )?;
    }
    Ok(())
}

/// A desk for everyone who records steps (the auditor records none).
pub(super) fn desks<'a>(path: &Path, password: &str) -> DeskResult<BTreeMap<&'a str, Desk>> {
    let mut desks = BTreeMap::new();
    for (username, ..) in PEOPLE.iter().filter(|p| p.0 != "auditor") {
        desks.insert(*username, Desk::open(path, username, password)?);
    }

    Ok(desks)
}
