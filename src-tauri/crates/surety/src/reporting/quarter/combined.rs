//! The province's copy of a quarter closed insurer by insurer (R-REPORT-1): the closings
//! in force — each holding its own insurer's lines, or an admin's holding the whole
//! installation — combined into one report, lines of the same key added up, so each
//! city's envelope carries every insurer that has closed and supersedes the one before.

use crate::reporting::quarter::lines::{plus, KindLine, QuarterNpl, QuarterReport};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use surety_domain::Money;

/// `reports` combined; the first one's period, dates and state stand for all.
pub(crate) fn combined(mut reports: Vec<QuarterReport>, npl_exemption: Decimal) -> QuarterReport {
    let mut out = reports.remove(0);
    let mut issuers = vec![out.issuer.clone()];
    for r in reports {
        if !issuers.contains(&r.issuer) {
            issuers.push(r.issuer.clone());
        }
        out.business.extend(r.business);
        out.loss_ratios.extend(r.loss_ratios);
        out.by_kind.extend(r.by_kind);
        out.npl.extend(r.npl);
        out.subsidies.extend(r.subsidies);
        out.defaulters.extend(r.defaulters);
    }
    out.issuer = issuers.join("、");
    out.business
        .sort_by(|a, b| (&a.city, &a.insurer, &a.bank).cmp(&(&b.city, &b.insurer, &b.bank)));
    out.loss_ratios
        .sort_by(|a, b| (&a.city, &a.insurer).cmp(&(&b.city, &b.insurer)));
    out.by_kind = added(
        out.by_kind,
        |l| (l.city.clone(), l.kind.clone()),
        KindLine::add,
    );
    out.subsidies = added(out.subsidies, |l| l.city.clone(), |a, b| a.add(b));
    out.defaulters = added(out.defaulters, |l| l.city.clone(), |a, b| a.add(b));
    out.npl = added(out.npl, |l| (l.city.clone(), l.bank.clone()), add_npl)
        .into_iter()
        .map(|l| with_ratio(l, npl_exemption))
        .collect();
    out.with_totals()
}

/// Lines of the same key added into the first of them, in key order.
fn added<L, K: Ord>(lines: Vec<L>, key: impl Fn(&L) -> K, add: impl Fn(&mut L, &L)) -> Vec<L> {
    let mut by_key: BTreeMap<K, L> = BTreeMap::new();
    for l in lines {
        match by_key.entry(key(&l)) {
            std::collections::btree_map::Entry::Occupied(mut held) => add(held.get_mut(), &l),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(l);
            }
        }
    }
    by_key.into_values().collect()
}

/// One bank's loans in a city, as two insurers' closings each counted their own.
fn add_npl(a: &mut QuarterNpl, b: &QuarterNpl) {
    a.loans += b.loans;
    plus(&mut a.balance, &b.balance);
    plus(&mut a.normal, &b.normal);
    plus(&mut a.special_mention, &b.special_mention);
    plus(&mut a.substandard, &b.substandard);
    plus(&mut a.doubtful, &b.doubtful);
    plus(&mut a.loss, &b.loss);
    plus(&mut a.npl_balance, &b.npl_balance);
}

/// R-NPL-1's ratio and exemption of the added-up line.
fn with_ratio(mut l: QuarterNpl, exemption: Decimal) -> QuarterNpl {
    let balance: Money = l.balance.value();
    let ratio =
        (!balance.is_zero()).then(|| l.npl_balance.value().as_decimal() / balance.as_decimal());
    l.npl_ratio = ratio.map(surety_domain::money::percent_2dp);
    l.exempt = ratio.is_none_or(|r| r <= exemption);
    l
}
