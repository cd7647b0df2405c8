//! Goal: a quote with a 12-period schedule well under 50 µs.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use surety_domain::{quote, BorrowerKind, City, LoanTerms, Money, Rate, RepaymentMethod, Settings};

fn terms(repayment: RepaymentMethod) -> LoanTerms {
    LoanTerms {
        city: City::Weifang,
        borrower_kind: BorrowerKind::Farmer,
        principal: "1000000".parse().unwrap(),
        annual_rate: Rate::percent("5.655"),
        term_months: 12,
        contract_date: NaiveDate::from_ymd_opt(2016, 1, 31).unwrap(),
        repayment,
        guarantee_rate: Rate::percent("2"),
        accident_rate: Rate::percent("1"),
        fees: vec![],
        outstanding_principal: Money::ZERO,
        soft_cap: None,
    }
}

fn bench(c: &mut Criterion) {
    let settings = Settings::default();
    for method in [
        RepaymentMethod::InterestMonthly,
        RepaymentMethod::EqualInstallment,
    ] {
        let t = terms(method);
        c.bench_function(&format!("quote_12_periods_{}", method.code()), |b| {
            b.iter(|| quote(black_box(&t), black_box(&settings)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
