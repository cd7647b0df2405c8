//! R-REPORT-1's figures derived independently of the report: each case's own events as
//! `case show` gives them (applications, decisions, disbursement, premiums, repayments,
//! claims, recoveries, closing), summed here in integer fen.

use serde_json::Value;
use std::collections::BTreeMap;

/// "1234.56" → 123456 fen.
pub fn fen(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not an amount: {v}"));
    let (int, dec) = s.split_once('.').unwrap_or((s, "00"));
    let sign = if int.starts_with('-') { -1 } else { 1 };
    let int: i64 = int.trim_start_matches('-').parse().unwrap();
    sign * (int * 100 + dec.parse::<i64>().unwrap())
}

fn within(day: &Value, from: &str, to: &str) -> bool {
    day.as_str().is_some_and(|d| d >= from && d <= to)
}

fn on_or_before(day: &Value, to: &str) -> bool {
    day.as_str().is_some_and(|d| d <= to)
}

/// What the test expects of a quarter, from the cases alone.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub applications: u64,
    pub approved: u64,
    pub declined_by_insurer: u64,
    pub declined_by_bank: u64,
    pub disbursed_count: u64,
    pub disbursed_fen: i64,
    pub ytd_count: u64,
    pub ytd_fen: i64,
    pub loans_on_book: u64,
    pub balance_fen: i64,
    pub guarantee_received_fen: i64,
    pub accident_received_fen: i64,
    pub guarantee_written_fen: i64,
    pub claims_filed: u64,
    pub claims_paid: u64,
    pub claims_paid_fen: i64,
    pub claims_refused: u64,
    pub recovered_fen: i64,
    /// Balance on the books at the end, by borrower kind.
    pub balance_by_kind: BTreeMap<String, i64>,
}

pub fn expected(cases: &[Value], from: &str, to: &str) -> Expected {
    let year_start = format!("{}-01-01", &from[..4]);
    let mut e = Expected::default();
    for c in cases {
        if within(&c["application_date"], from, to) {
            e.applications += 1;
        }
        let decisions = c["decisions"].as_array().unwrap();
        if decisions.len() == 2 && decisions.iter().all(|d| d["approve"] == true) {
            let last = decisions
                .iter()
                .map(|d| d["on"].as_str().unwrap())
                .max()
                .unwrap();
            if last >= from && last <= to {
                e.approved += 1;
            }
        }
        for d in decisions
            .iter()
            .filter(|d| d["approve"] == false && within(&d["on"], from, to))
        {
            if d["side"] == "insurer" {
                e.declined_by_insurer += 1;
            } else {
                e.declined_by_bank += 1;
            }
        }
        let principal = fen(&c["principal"]);
        if within(&c["disbursed_on"], from, to) {
            e.disbursed_count += 1;
            e.disbursed_fen += principal;
        }
        if within(&c["disbursed_on"], &year_start, to) {
            e.ytd_count += 1;
            e.ytd_fen += principal;
        }
        for p in c["premiums"].as_array().unwrap() {
            if within(&p["received_on"], from, to) {
                match p["line"].as_str().unwrap() {
                    "guarantee" => e.guarantee_received_fen += fen(&p["amount"]),
                    _ => e.accident_received_fen += fen(&p["amount"]),
                }
            }
        }
        for k in c["contracts"].as_array().unwrap() {
            if k["doc_kind"] == "guarantee_policy" && within(&k["signed_on"], from, to) {
                e.guarantee_written_fen += fen(&c["quote"]["guarantee_premium"]);
            }
        }
        let claim = &c["claim"];
        if !claim.is_null() {
            if within(&claim["filed_on"], from, to) {
                e.claims_filed += 1;
            }
            if within(&claim["paid_on"], from, to) {
                e.claims_paid += 1;
                e.claims_paid_fen += fen(&claim["insurer"]);
            }
            if within(&claim["refused_on"], from, to) {
                e.claims_refused += 1;
            }
        }
        for r in c["recoveries"].as_array().unwrap() {
            if within(&r["received_on"], from, to) {
                e.recovered_fen += fen(&r["amount"]);
            }
        }
        // On the bank's book at the end: disbursed by then, not closed by then.
        if on_or_before(&c["disbursed_on"], to) && !on_or_before(&c["closed_on"], to) {
            let balance = if !claim.is_null() && on_or_before(&claim["paid_on"], to) {
                let bank_recovered: i64 = c["recoveries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["before_claim"] == false && on_or_before(&r["received_on"], to))
                    .map(|r| fen(&r["bank"]))
                    .sum();
                (fen(&claim["loss"]) - fen(&claim["insurer"]) - bank_recovered).max(0)
            } else {
                let repaid: i64 = c["repayments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| on_or_before(&r["paid_on"], to))
                    .flat_map(|r| r["allocations"].as_array().unwrap().clone())
                    .map(|a| fen(&a["principal"]))
                    .sum();
                principal - repaid
            };
            if balance > 0 {
                e.loans_on_book += 1;
                e.balance_fen += balance;
                *e.balance_by_kind
                    .entry(c["borrower"]["kind"].as_str().unwrap().to_string())
                    .or_default() += balance;
            }
        }
    }
    e
}

/// A report's business total and by-kind lines as the same figures.
pub fn reported(r: &Value) -> Expected {
    let kinds = r["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["kind"].as_str().unwrap().to_string(), fen(&k["balance"])));
    from_figures(&r["business_total"], kinds)
}

/// Figures named as the report names them (counts as numbers, amounts as yuan text; a
/// missing one is zero) and the balances by kind.
pub fn from_figures(t: &Value, balances_by_kind: impl Iterator<Item = (String, i64)>) -> Expected {
    let n = |k: &str| t.get(k).and_then(Value::as_u64).unwrap_or(0);
    let f = |k: &str| t.get(k).map(fen).unwrap_or(0);
    let mut balance_by_kind = BTreeMap::new();
    for (kind, b) in balances_by_kind {
        if b > 0 {
            *balance_by_kind.entry(kind).or_default() += b;
        }
    }
    Expected {
        applications: n("applications"),
        approved: n("approved"),
        declined_by_insurer: n("declined_by_insurer"),
        declined_by_bank: n("declined_by_bank"),
        disbursed_count: n("disbursed_count"),
        disbursed_fen: f("disbursed_amount"),
        ytd_count: n("ytd_count"),
        ytd_fen: f("ytd_amount"),
        loans_on_book: n("loans_on_book"),
        balance_fen: f("balance"),
        guarantee_received_fen: f("guarantee_received"),
        accident_received_fen: f("accident_received"),
        guarantee_written_fen: f("guarantee_written"),
        claims_filed: n("claims_filed"),
        claims_paid: n("claims_paid"),
        claims_paid_fen: f("claims_paid_amount"),
        claims_refused: n("claims_refused"),
        recovered_fen: f("recovered"),
        balance_by_kind,
    }
}

/// Every case of an office, as `case show` gives it (read by its auditor).
pub fn all_cases(o: &crate::cli::Office) -> Vec<Value> {
    let list = o.ok(
        "auditor",
        "2016-12-31",
        &["case", "list", "--limit", "100"],
        serde_json::json!({}),
    );
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            o.ok(
                "auditor",
                "2016-12-31",
                &["case", "show", r["case_no"].as_str().unwrap()],
                serde_json::json!({}),
            )
        })
        .collect()
}
