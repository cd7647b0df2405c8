//! A loan quote: the rate cap, the schedule, the premiums and the financing cost, with
//! every rule the terms break (R-TERM-1, R-AMT-1/2, R-RATE-1, R-FEE-1, R-PREM-1).
//!
//! A quote is computed even when the terms break rules, so a person sees both the
//! figures and what to change.

use crate::borrower::BorrowerKind;
use crate::city::City;
use crate::money::{Money, Rate};
use crate::rate_table::{check_rate, ReferenceRate};
use crate::rule::Rule;
use crate::schedule::{schedule, total_interest, Installment, RepaymentMethod};
use crate::settings::{Limits, Settings};
use crate::violation::Violation;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// A fee the borrower would pay besides interest and premiums. Any one breaks R-FEE-1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fee {
    pub name: String,
    pub amount: Money,
}

/// Loan terms, already parsed into domain types (see `surety::quote` for the text form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanTerms {
    pub city: City,
    pub borrower_kind: BorrowerKind,
    pub principal: Money,
    pub annual_rate: Rate,
    pub term_months: u32,
    pub contract_date: NaiveDate,
    pub repayment: RepaymentMethod,
    pub guarantee_rate: Rate,
    pub accident_rate: Rate,
    pub fees: Vec<Fee>,
    /// The borrower's other outstanding guaranteed principal (R-AMT-1/2).
    pub outstanding_principal: Money,
    /// R-AMT-1's cap in principle as the bank–insurer agreement sets it (§3.4: 具体由承保
    /// 主体和银行机构…确定); `None` takes the province's (or Qingdao's own).
    pub soft_cap: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub compliant: bool,
    pub violations: Vec<Violation>,
    pub warnings: Vec<Violation>,
    pub reference_rate: Option<Rate>,
    pub rate_cap: Option<Rate>,
    pub total_interest: Money,
    pub premium_base: Money,
    pub guarantee_premium: Money,
    pub accident_premium: Money,
    pub total_premium: Money,
    /// Interest plus premiums: the whole financing cost the policy allows (§3.5).
    pub financing_cost: Money,
    pub schedule: Vec<Installment>,
    #[serde(skip)]
    pub reference: Option<ReferenceRate>,
}

/// The premium of one line: base × annual rate × months / 12, half-up to the fen.
pub fn premium(base: Money, annual_rate: Rate, term_months: u32) -> Money {
    Money::round_fen(
        base.as_decimal() * annual_rate.fraction() * Decimal::from(term_months) / Decimal::from(12),
    )
}

pub fn quote(terms: &LoanTerms, settings: &Settings) -> Quote {
    let limits = settings.limits_for(terms.city);
    let mut violations = Vec::new();
    let mut warnings = Vec::new();

    if !settings.in_pilot(terms.city) {
        violations.push(Violation::new(
            Rule::RElig1,
            "city",
            format!("{}不是试点市", terms.city.name_zh()),
            format!("{} is not a pilot city", terms.city.name_en()),
        ));
    }
    violations.extend(check_term(terms.term_months, limits));
    let soft_cap = terms
        .soft_cap
        .unwrap_or(limits.borrower_soft_cap)
        .min(limits.borrower_hard_cap);
    let (amount_violation, amount_warning) = check_amount(
        terms.principal,
        terms.outstanding_principal,
        soft_cap,
        limits.borrower_hard_cap,
    );
    violations.extend(amount_violation);
    warnings.extend(amount_warning);

    let cap = match check_rate(
        &settings.reference_rates,
        limits.rate_cap_multiplier,
        terms.contract_date,
        terms.annual_rate,
    ) {
        Ok(cap) => Some(cap),
        Err(v) => {
            violations.push(v);
            crate::rate_table::rate_cap(
                &settings.reference_rates,
                limits.rate_cap_multiplier,
                terms.contract_date,
            )
        }
    };
    violations.extend(check_fees(&terms.fees));
    violations.extend(check_premium_rates(
        terms.guarantee_rate,
        terms.accident_rate,
        limits,
    ));

    let schedule = schedule(
        terms.repayment,
        terms.principal,
        terms.annual_rate,
        terms.term_months,
        terms.contract_date,
    );
    let total_interest = total_interest(&schedule);
    let premium_base = terms.principal + total_interest;
    let guarantee_premium = premium(premium_base, terms.guarantee_rate, terms.term_months);
    let accident_premium = premium(premium_base, terms.accident_rate, terms.term_months);
    let total_premium = guarantee_premium + accident_premium;

    Quote {
        compliant: violations.is_empty(),
        violations,
        warnings,
        reference_rate: cap.map(|c| c.reference.rate),
        rate_cap: cap.map(|c| c.cap),
        total_interest,
        premium_base,
        guarantee_premium,
        accident_premium,
        total_premium,
        financing_cost: total_interest + total_premium,
        schedule,
        reference: cap.map(|c| c.reference),
    }
}

/// R-TERM-1: 1 to 12 months; the policy's term equals the loan's.
pub fn check_term(term_months: u32, limits: &Limits) -> Option<Violation> {
    let max = limits.max_term_months;
    (!(1..=max).contains(&term_months)).then(|| {
        Violation::new(
            Rule::RTerm1,
            "term_months",
            format!("贷款期限 {term_months} 个月不在允许范围内：应为 1 至 {max} 个月"),
            format!("a term of {term_months} months is not allowed: it must be 1 to {max} months"),
        )
        .with_limit(max)
    })
}

/// R-AMT-1 (a warning: allowed with a two-sided exception) and R-AMT-2 (a violation).
pub fn check_amount(
    principal: Money,
    outstanding: Money,
    soft_cap: Money,
    hard_cap: Money,
) -> (Option<Violation>, Option<Violation>) {
    let total = principal + outstanding;
    if total > hard_cap {
        let cap = hard_cap;
        return (
            Some(
                Violation::new(
                    Rule::RAmt2,
                    "principal",
                    format!("借款人保证保险贷款余额合计 {total} 元（含本笔）超过最高限额 {cap} 元，不得例外"),
                    format!("the borrower's guaranteed principal would total {total} CNY (this loan included), above the absolute cap of {cap} CNY; no exception is possible"),
                )
                .with_limit(cap),
            ),
            None,
        );
    }
    if total > soft_cap {
        let cap = soft_cap;
        return (
            None,
            Some(
                Violation::new(
                    Rule::RAmt1,
                    "principal",
                    format!("借款人保证保险贷款余额合计 {total} 元（含本笔）超过原则上限 {cap} 元：须经保险公司和银行双方例外审批并说明理由"),
                    format!("the borrower's guaranteed principal would total {total} CNY (this loan included), above the {cap} CNY cap in principle: both the insurer and the bank must approve an exception, with a reason"),
                )
                .with_limit(cap),
            ),
        );
    }
    (None, None)
}

/// R-FEE-1: interest and premiums only; any other fee is refused.
pub fn check_fees(fees: &[Fee]) -> Vec<Violation> {
    fees.iter()
        .enumerate()
        .map(|(i, f)| {
            Violation::new(
                Rule::RFee1,
                format!("fees[{i}]"),
                format!("不得收取“{}”（{} 元）：融资成本只能由贷款利息和保险费组成", f.name, f.amount),
                format!("the fee `{}` ({} CNY) is not allowed: the financing cost is loan interest and premiums only", f.name, f.amount),
            )
        })
        .collect()
}

/// R-PREM-1: guarantee rate ≥ 2%, guarantee + accident ≤ 3% (annual, of principal + interest).
pub fn check_premium_rates(guarantee: Rate, accident: Rate, limits: &Limits) -> Vec<Violation> {
    let mut v = Vec::new();
    let min = limits.min_guarantee_rate;
    if guarantee < min {
        v.push(
            Violation::new(
                Rule::RPrem1,
                "guarantee_rate",
                format!(
                    "保证保险年费率 {} 低于下限 {}",
                    guarantee.as_percent(),
                    min.as_percent()
                ),
                format!(
                    "the guarantee premium rate {} is below the minimum {}",
                    guarantee.as_percent(),
                    min.as_percent()
                ),
            )
            .with_limit(min),
        );
    }
    let max = limits.max_total_premium_rate;
    let total = Rate::new(guarantee.fraction() + accident.fraction());
    if total > max {
        v.push(
            Violation::new(
                Rule::RPrem1,
                "accident_rate",
                format!(
                    "保证保险与意外伤害保险年费率合计 {}（{} + {}）超过上限 {}",
                    total.as_percent(),
                    guarantee.as_percent(),
                    accident.as_percent(),
                    max.as_percent()
                ),
                format!(
                    "guarantee plus accident premium rates total {} ({} + {}), above the maximum {}",
                    total.as_percent(),
                    guarantee.as_percent(),
                    accident.as_percent(),
                    max.as_percent()
                ),
            )
            .with_limit(max),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn terms() -> LoanTerms {
        LoanTerms {
            city: City::Yantai,
            borrower_kind: BorrowerKind::MicroEnterprise,
            principal: m("1000000"),
            annual_rate: Rate::percent("5.655"),
            term_months: 12,
            contract_date: NaiveDate::from_ymd_opt(2016, 3, 15).unwrap(),
            repayment: RepaymentMethod::InterestMonthly,
            guarantee_rate: Rate::percent("2"),
            accident_rate: Rate::percent("1"),
            fees: vec![],
            outstanding_principal: Money::ZERO,
            soft_cap: None,
        }
    }

    fn rules(q: &Quote) -> Vec<&str> {
        q.violations.iter().map(|v| v.rule.as_str()).collect()
    }

    #[test]
    fn r_prem_1_premium_to_the_fen_for_a_one_million_loan_at_the_cap() {
        let q = quote(&terms(), &Settings::default());
        assert!(q.compliant, "{:?}", q.violations);
        assert_eq!(q.reference_rate, Some(Rate::percent("4.35")));
        assert_eq!(q.rate_cap.unwrap().fraction(), dec!(0.05655));
        assert_eq!(q.total_interest, m("56550.00"));
        assert_eq!(q.premium_base, m("1056550.00"));
        assert_eq!(q.guarantee_premium, m("21131.00"));
        assert_eq!(q.accident_premium, m("10565.50"));
        assert_eq!(q.total_premium, m("31696.50"));
        assert_eq!(q.financing_cost, m("88246.50"));
    }

    #[test]
    fn premium_is_prorated_by_months_and_rounded_half_up() {
        // 100,000.50 × 2% × 5 / 12 = 833.3375 → 833.34
        assert_eq!(premium(m("100000.50"), Rate::percent("2"), 5), m("833.34"));
    }

    #[test]
    fn r_term_1_twelve_months_ok_thirteen_and_zero_not() {
        let mut t = terms();
        assert!(quote(&t, &Settings::default()).compliant);
        t.term_months = 13;
        let q = quote(&t, &Settings::default());
        assert_eq!(rules(&q), ["R-TERM-1"]);
        assert_eq!(q.schedule.len(), 13, "the figures are still shown");
        t.term_months = 0;
        assert_eq!(rules(&quote(&t, &Settings::default())), ["R-TERM-1"]);
    }

    #[test]
    fn r_amt_1_exactly_one_million_needs_no_exception_one_fen_more_does() {
        let mut t = terms();
        assert!(quote(&t, &Settings::default()).warnings.is_empty());
        t.principal = m("1000000.01");
        let q = quote(&t, &Settings::default());
        assert!(q.compliant);
        assert_eq!(q.warnings[0].rule, "R-AMT-1");
    }

    #[test]
    fn r_amt_1_counts_the_borrowers_other_outstanding_loans() {
        let mut t = terms();
        t.principal = m("600000");
        t.outstanding_principal = m("500000");
        assert_eq!(quote(&t, &Settings::default()).warnings[0].rule, "R-AMT-1");
    }

    #[test]
    fn r_amt_2_exactly_three_million_allowed_above_never() {
        let mut t = terms();
        t.principal = m("3000000");
        let q = quote(&t, &Settings::default());
        assert!(q.compliant);
        assert_eq!(q.warnings[0].rule, "R-AMT-1");
        t.principal = m("2000000");
        t.outstanding_principal = m("1000000.01");
        let q = quote(&t, &Settings::default());
        assert_eq!(rules(&q), ["R-AMT-2"]);
        assert!(q.warnings.is_empty());
    }

    #[test]
    fn r_rate_1_rate_over_the_cap_is_a_violation_with_the_limit() {
        let mut t = terms();
        t.annual_rate = Rate::percent("6");
        let q = quote(&t, &Settings::default());
        assert_eq!(rules(&q), ["R-RATE-1"]);
        assert_eq!(q.violations[0].limit.as_deref(), Some("0.05655"));
        assert_eq!(q.rate_cap.unwrap().fraction(), dec!(0.05655));
    }

    #[test]
    fn r_fee_1_any_other_fee_is_refused() {
        let mut t = terms();
        t.fees = vec![Fee {
            name: "咨询费".into(),
            amount: m("500"),
        }];
        let q = quote(&t, &Settings::default());
        assert_eq!(rules(&q), ["R-FEE-1"]);
        assert_eq!(q.violations[0].field, "fees[0]");
        assert!(q.violations[0].message_zh.contains("咨询费"));
    }

    #[test]
    fn r_prem_1_boundaries_two_and_three_percent() {
        let mut t = terms();
        t.guarantee_rate = Rate::percent("2");
        t.accident_rate = Rate::percent("1");
        assert!(quote(&t, &Settings::default()).compliant);
        t.guarantee_rate = Rate::percent("1.99");
        t.accident_rate = Rate::ZERO;
        let q = quote(&t, &Settings::default());
        assert_eq!(rules(&q), ["R-PREM-1"]);
        assert_eq!(q.violations[0].field, "guarantee_rate");
        t.guarantee_rate = Rate::percent("3");
        assert!(quote(&t, &Settings::default()).compliant);
        t.accident_rate = Rate::percent("0.01");
        let q = quote(&t, &Settings::default());
        assert_eq!(q.violations[0].field, "accident_rate");
    }

    #[test]
    fn qingdao_may_run_under_its_own_limits() {
        let s = Settings::from_toml("[cities.qingdao.limits]\nmax_term_months = 6").unwrap();
        let mut t = terms();
        t.city = City::Qingdao;
        assert_eq!(rules(&quote(&t, &s)), ["R-TERM-1"]);
        t.city = City::Yantai;
        assert!(quote(&t, &s).compliant);
    }
}
