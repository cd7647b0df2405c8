#![allow(dead_code)]

use chrono::NaiveDate;
use surety_docs::{CaseDocument, ClaimFigures, PoolShare};
use surety_domain::schedule::schedule;
use surety_domain::{Money, Rate, RepaymentMethod};

pub fn m(s: &str) -> Money {
    s.parse().unwrap()
}

/// A 12-month loan of 1,000,000 at 5.655% to a company with a long name and address.
pub fn sample(months: u32) -> CaseDocument {
    let contract = NaiveDate::from_ymd_opt(2016, 3, 5).unwrap();
    let rate = Rate::percent("5.655");
    let plan = schedule(
        RepaymentMethod::EqualInstallment,
        m("1000000"),
        rate,
        months,
        contract,
    );
    let interest: Money = plan.iter().map(|i| i.interest).sum();
    CaseDocument {
        case_no: "ICBC-YT-2016-000001".into(),
        city_zh: "烟台".into(),
        borrower_name: "烟台经济技术开发区海丰水产养殖与冷链物流专业合作社联合社有限公司".into(),
        borrower_kind_zh: "小微企业".into(),
        borrower_id_number: "91350100M000100Y43".into(),
        borrower_address:
            "山东省烟台市经济技术开发区长江路 218 号海丰大厦第十七层 1703 室（邮编 264006）".into(),
        borrower_legal_rep: "王海".into(),
        bank_name: "中国工商银行股份有限公司烟台分行".into(),
        insurer_name: "山东省小额贷款保证保险共保体".into(),
        pool: vec![
            PoolShare {
                name: "中国人民财产保险股份有限公司山东省分公司".into(),
                share: "0.6".parse().unwrap(),
                lead: true,
            },
            PoolShare {
                name: "中国平安财产保险股份有限公司山东分公司".into(),
                share: "0.4".parse().unwrap(),
                lead: false,
            },
        ],
        principal: m("1000000"),
        annual_rate: rate,
        reference_rate: Some(Rate::percent("4.35")),
        reference_is_lpr: false,
        rate_cap: Some(Rate::percent("5.655")),
        term_months: months,
        repayment_zh: "等额本息".into(),
        contract_date: Some(contract),
        guarantee_rate: Rate::percent("2"),
        accident_rate: Rate::percent("0.5"),
        total_interest: interest,
        premium_base: m("1000000") + interest,
        guarantee_premium: m("20617.61"),
        accident_premium: m("5154.40"),
        financing_cost: interest + m("25772.01"),
        insurer_share: "0.7".parse().unwrap(),
        waiting_period_days: 90,
        paid: vec![(plan[0].interest, plan[0].principal)],
        schedule: plan,
        numbers: vec![
            ("loan_contract".into(), "ICBC-YT-JK-2016-000001".into()),
            ("guarantee_policy".into(), "SD-POOL-BZ-2016-000001".into()),
            ("accident_policy".into(), "SD-POOL-YW-2016-000001".into()),
        ],
        claim: Some(ClaimFigures {
            cutoff: "2016-08-03".into(),
            filed_on: "2016-08-03".into(),
            paid_on: Some("2016-08-10".into()),
            outstanding_principal: m("1000000"),
            interest_due: m("14137.50"),
            interest_accrued: m("4555.42"),
            recovered_before: m("10000"),
            accident_paid: vec![],
            loss: m("1008692.92"),
            insurer: m("706085.04"),
            bank: m("302607.88"),
            members: vec![
                ("picc".into(), m("423651.02")),
                ("pingan".into(), m("282434.02")),
            ],
        }),
    }
}

pub fn tool(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (Debian poppler-utils / qpdf): {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
