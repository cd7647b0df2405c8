//! The lines of the quarterly report (R-REPORT-1): business by insurer, bank and city,
//! loans by borrower kind, loss ratios, NPL tiers, subsidies and flagged defaulters, each
//! with how two lines add up; and the report itself.

use crate::desk::dto::Money as Amount;
use crate::desk::error::DeskResult;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use surety_domain::{City, Money, Quarter};
use surety_store::orgs;
use surety_store::quarter_figures::Parties;

/// One insurer × bank × city: the quarter's business.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BusinessLine {
    /// A city code; empty on a total line.
    pub city: String,
    pub insurer: String,
    pub insurer_name: String,
    pub bank: String,
    pub bank_name: String,
    pub applications: u32,
    /// Approved by both sides (counted on the second approval's day).
    pub approved: u32,
    pub declined_by_insurer: u32,
    pub declined_by_bank: u32,
    pub disbursed_count: u32,
    pub disbursed_amount: Amount,
    /// From 1 January of the quarter's year.
    pub ytd_count: u32,
    pub ytd_amount: Amount,
    /// Loans on the banks' books at the end of the quarter and their balance (R-NPL-1's book:
    /// a paid claim leaves the bank's retained share).
    pub loans_on_book: u32,
    pub balance: Amount,
    /// Premiums of the policies issued in the quarter.
    pub guarantee_written: Amount,
    pub accident_written: Amount,
    pub guarantee_received: Amount,
    pub accident_received: Amount,
    pub premiums_refunded: Amount,
    pub claims_filed: u32,
    /// The loss of the claims filed (R-CLAIM-2).
    pub claims_filed_loss: Amount,
    pub claims_paid: u32,
    pub claims_paid_amount: Amount,
    pub claims_refused: u32,
    /// Open at the quarter's end past the agreement's payment period (R-CLAIM-4).
    pub claims_delayed: u32,
    pub accident_claims_paid: u32,
    pub accident_claims_amount: Amount,
    pub recovered: Amount,
    pub recovered_insurer: Amount,
    pub recovered_bank: Amount,
}

/// One city × borrower kind: loans disbursed and outstanding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindLine {
    pub city: String,
    /// micro_enterprise, farmer, cooperative, entrepreneur; empty on a total line.
    pub kind: String,
    pub disbursed_count: u32,
    pub disbursed_amount: Amount,
    pub ytd_count: u32,
    pub ytd_amount: Amount,
    pub loans_on_book: u32,
    pub balance: Amount,
}

/// R-STOP-1/2 for one insurer in one city: the pilot year to the quarter's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarterLossRatio {
    pub city: String,
    pub insurer: String,
    pub insurer_name: String,
    pub year_start: String,
    pub year_end: String,
    pub premiums_received: Amount,
    pub claims_paid: Amount,
    /// e.g. "42.15%"; null with no premium.
    pub loss_ratio: Option<String>,
    /// The city's stop line in percent ("150").
    pub stop_line_percent: String,
    pub stopped: bool,
    pub stopped_on: Option<String>,
    pub compensation_due: Amount,
    pub compensation_paid: Amount,
}

/// R-NPL-1 for one bank's loans in one city at the quarter's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarterNpl {
    pub city: String,
    pub bank: String,
    pub bank_name: String,
    pub loans: u32,
    pub balance: Amount,
    pub normal: Amount,
    pub special_mention: Amount,
    pub substandard: Amount,
    pub doubtful: Amount,
    pub loss: Amount,
    pub npl_balance: Amount,
    /// e.g. "1.25%"; null with no balance.
    pub npl_ratio: Option<String>,
    pub exempt: bool,
}

/// R-SUBSIDY-1 for one city: due on what was received and paid in the quarter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubsidyLine {
    pub city: String,
    /// The city's shares in force, as fractions ("0.5").
    pub premium_share: String,
    pub interest_share: String,
    /// Cases with a subsidy due this quarter.
    pub cases: u32,
    pub premium_due: Amount,
    pub interest_due: Amount,
    /// What the city recorded as paid for this quarter's subsidies by the report's day.
    pub premium_paid: Amount,
    pub interest_paid: Amount,
}

/// R-DEFAULT-1 for one city.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DefaulterLine {
    pub city: String,
    pub flagged_in_quarter: u32,
    pub flagged_to_date: u32,
    /// Principal still outstanding on the flagged borrowers' loans at the quarter's end.
    pub outstanding: Amount,
}

/// Whether the quarter's figures are frozen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarterState {
    pub closed: bool,
    /// Whose lines the closing froze: an insurer's code (a pool's for a pool), or empty
    /// for the whole installation.
    #[serde(default)]
    pub organisation: String,
    /// The insurers whose own closings are in force (the figures of the others are live).
    #[serde(default)]
    pub closed_for: Vec<String>,
    /// The newest closing's revision; 0 when never closed.
    pub revision: u32,
    pub closed_on: Option<String>,
    pub closed_by: Option<String>,
    /// SHA-256 of the frozen figures.
    pub sha256: Option<String>,
    /// The last reopening, if the newest closing was reopened.
    pub reopened_on: Option<String>,
    pub reopened_by: Option<String>,
    pub reopen_reason: Option<String>,
}

/// The quarter's report: every table keyed by city, each with its total line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarterReport {
    /// `2016Q3`
    pub period: String,
    pub year: i32,
    pub quarter: u8,
    pub start: String,
    pub end: String,
    /// The day the figures are as of: the quarter's last day, or the business date while it
    /// runs.
    pub as_of: String,
    /// The quarter is over (only then can it be closed).
    pub complete: bool,
    /// The city reported on; null for every city.
    pub city: Option<String>,
    /// The reporting installation's organisation(s) (填报单位).
    pub issuer: String,
    pub state: QuarterState,
    pub business: Vec<BusinessLine>,
    pub business_total: BusinessLine,
    pub by_kind: Vec<KindLine>,
    pub by_kind_total: KindLine,
    pub loss_ratios: Vec<QuarterLossRatio>,
    pub npl: Vec<QuarterNpl>,
    pub subsidies: Vec<SubsidyLine>,
    pub subsidies_total: SubsidyLine,
    pub defaulters: Vec<DefaulterLine>,
    pub defaulters_total: DefaulterLine,
}

/// Adds amounts kept as text (figures read back from a frozen report included).
pub(crate) fn plus(a: &mut Amount, b: &Amount) {
    *a = (a.value() + b.value()).into();
}

pub(crate) fn plus_money(a: &mut Amount, b: Money) {
    *a = (a.value() + b).into();
}

impl BusinessLine {
    pub(crate) fn add(&mut self, o: &BusinessLine) {
        self.applications += o.applications;
        self.approved += o.approved;
        self.declined_by_insurer += o.declined_by_insurer;
        self.declined_by_bank += o.declined_by_bank;
        self.disbursed_count += o.disbursed_count;
        plus(&mut self.disbursed_amount, &o.disbursed_amount);
        self.ytd_count += o.ytd_count;
        plus(&mut self.ytd_amount, &o.ytd_amount);
        self.loans_on_book += o.loans_on_book;
        plus(&mut self.balance, &o.balance);
        plus(&mut self.guarantee_written, &o.guarantee_written);
        plus(&mut self.accident_written, &o.accident_written);
        plus(&mut self.guarantee_received, &o.guarantee_received);
        plus(&mut self.accident_received, &o.accident_received);
        plus(&mut self.premiums_refunded, &o.premiums_refunded);
        self.claims_filed += o.claims_filed;
        plus(&mut self.claims_filed_loss, &o.claims_filed_loss);
        self.claims_paid += o.claims_paid;
        plus(&mut self.claims_paid_amount, &o.claims_paid_amount);
        self.claims_refused += o.claims_refused;
        self.claims_delayed += o.claims_delayed;
        self.accident_claims_paid += o.accident_claims_paid;
        plus(&mut self.accident_claims_amount, &o.accident_claims_amount);
        plus(&mut self.recovered, &o.recovered);
        plus(&mut self.recovered_insurer, &o.recovered_insurer);
        plus(&mut self.recovered_bank, &o.recovered_bank);
    }
}

impl KindLine {
    pub(crate) fn add(&mut self, o: &KindLine) {
        self.disbursed_count += o.disbursed_count;
        plus(&mut self.disbursed_amount, &o.disbursed_amount);
        self.ytd_count += o.ytd_count;
        plus(&mut self.ytd_amount, &o.ytd_amount);
        self.loans_on_book += o.loans_on_book;
        plus(&mut self.balance, &o.balance);
    }

    pub(crate) fn zeroed(city: &str, kind: &str) -> KindLine {
        KindLine {
            city: city.into(),
            kind: kind.into(),
            ..Default::default()
        }
    }
}

impl SubsidyLine {
    pub(crate) fn add(&mut self, o: &SubsidyLine) {
        self.cases += o.cases;
        plus(&mut self.premium_due, &o.premium_due);
        plus(&mut self.interest_due, &o.interest_due);
        plus(&mut self.premium_paid, &o.premium_paid);
        plus(&mut self.interest_paid, &o.interest_paid);
    }

    pub(crate) fn zeroed(city: &str) -> SubsidyLine {
        SubsidyLine {
            city: city.into(),
            ..Default::default()
        }
    }
}

impl DefaulterLine {
    pub(crate) fn add(&mut self, o: &DefaulterLine) {
        self.flagged_in_quarter += o.flagged_in_quarter;
        self.flagged_to_date += o.flagged_to_date;
        plus(&mut self.outstanding, &o.outstanding);
    }

    pub(crate) fn zeroed(city: &str) -> DefaulterLine {
        DefaulterLine {
            city: city.into(),
            ..Default::default()
        }
    }
}

/// The parsed request: which quarter, which city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportScope {
    pub quarter: Quarter,
    pub city: Option<City>,
}

/// Organisation codes and names by id, read once per report.
pub(crate) struct Names(HashMap<i64, (String, String)>);

impl Names {
    pub(crate) fn read(conn: &surety_store::Connection) -> DeskResult<Names> {
        Ok(Names(
            orgs::list_orgs(conn)?
                .into_iter()
                .map(|o| (o.id, (o.code, o.name)))
                .collect(),
        ))
    }

    /// (code, name); empty for an id with no organisation.
    pub(crate) fn of(&self, id: i64) -> (String, String) {
        self.0.get(&id).cloned().unwrap_or_default()
    }
}

/// The business lines being summed, one per parties, named as they are first met.
pub(crate) struct Lines<'n> {
    pub(crate) names: &'n Names,
    pub(crate) by_parties: BTreeMap<Parties, BusinessLine>,
}

impl Lines<'_> {
    pub(crate) fn at(&mut self, p: &Parties) -> &mut BusinessLine {
        let names = self.names;
        self.by_parties.entry(p.clone()).or_insert_with(|| {
            let (insurer, insurer_name) = names.of(p.insurer_id);
            let (bank, bank_name) = names.of(p.bank_id);
            BusinessLine {
                city: p.city.clone(),
                insurer,
                insurer_name,
                bank,
                bank_name,
                ..Default::default()
            }
        })
    }
}

impl QuarterReport {
    /// Recomputes every total line from the lines (after a filter).
    pub(crate) fn with_totals(mut self) -> QuarterReport {
        let mut b = BusinessLine::default();
        self.business.iter().for_each(|l| b.add(l));
        self.business_total = b;
        let mut k = KindLine::zeroed("", "");
        self.by_kind.iter().for_each(|l| k.add(l));
        self.by_kind_total = k;
        let mut s = SubsidyLine::zeroed("");
        self.subsidies.iter().for_each(|l| s.add(l));
        self.subsidies_total = s;
        let mut d = DefaulterLine::zeroed("");
        self.defaulters.iter().for_each(|l| d.add(l));
        self.defaulters_total = d;
        self
    }

    /// One insurer's own lines (a closing by its underwriter): its business and loss ratio;
    /// the tables by city were worked out from its cases alone.
    pub(crate) fn of_insurer(mut self, code: &str) -> QuarterReport {
        self.business.retain(|l| l.insurer == code);
        self.loss_ratios.retain(|l| l.insurer == code);
        self.with_totals()
    }

    /// One city's lines (with their totals), or all.
    pub fn for_city(mut self, city: Option<City>) -> QuarterReport {
        let Some(city) = city else {
            return self;
        };
        let code = city.code();
        self.city = Some(code.to_string());
        self.business.retain(|l| l.city == code);
        self.by_kind.retain(|l| l.city == code);
        self.loss_ratios.retain(|l| l.city == code);
        self.npl.retain(|l| l.city == code);
        self.subsidies.retain(|l| l.city == code);
        self.defaulters.retain(|l| l.city == code);
        self.with_totals()
    }
}
