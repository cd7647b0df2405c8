//! R-REPORT-1 (§6.2): what each pilot city reports to the provincial finance office every
//! quarter — applications, loans by borrower kind, premiums, claims, recoveries, the pilot
//! year's loss ratio and stop, each bank's five tiers, subsidies and flagged defaulters —
//! computed from the dated events as they stood at the end of the quarter (or of the
//! business date while the quarter runs), so a past quarter comes out the same any day.
//! Summary figures only: no name, ID or case number. Closing and reopening a quarter:
//! `closing.rs`; who sees which lines: `for_reader` there.

use crate::desk::dto::Money as Amount;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use serde::Serialize;
use std::collections::BTreeMap;
use surety_domain::claim::claim_deadline;
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::npl::{npl_summary, retained_after_claim, LoanClass};
use surety_domain::{BorrowerKind, City, Money, Quarter};
use surety_store::book;
use surety_store::cases::CaseReach;
use surety_store::orgs;
use surety_store::quarter_figures::{self as figures, Parties};
use surety_store::Role;

pub use super::lines::*;

impl Desk {
    /// The scope of a report request: a quarter of a year, every city or one.
    pub fn report_scope(year: i32, quarter: u8, city: Option<&str>) -> DeskResult<ReportScope> {
        let quarter = Quarter::new(year, quarter)?;
        let city = match city.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Some(crate::desk::parse::parse_city(c)?),
            None => None,
        };
        Ok(ReportScope { quarter, city })
    }

    /// Who may read the quarter's figures: everyone whose work reports (not field agents).
    pub(crate) fn require_report_reader(&self) -> DeskResult<()> {
        self.require_role(
            &[
                Role::Admin,
                Role::Auditor,
                Role::Underwriter,
                Role::BankOfficer,
            ],
            "查看季度统计",
            "read the quarterly statistics",
        )
    }

    /// The day a quarter's figures are as of on the business date: its end, or today while
    /// it runs. A quarter that has not begun has no figures.
    pub(crate) fn report_day(&self, q: Quarter) -> DeskResult<chrono::NaiveDate> {
        let today = self.today();
        if q.start() > today {
            return Err(DeskError::new(
                ErrorCode::RReport1,
                Some("quarter"),
                format!(
                    "{} 尚未开始（业务日期 {today}），没有可报的数字",
                    q.label_zh()
                ),
                format!(
                    "{} has not begun (business date {today}): there is nothing to report",
                    q.label()
                ),
            ));
        }
        Ok(q.end().min(today))
    }

    pub(crate) fn quarter_compute(&self) -> DeskResult<QuarterCompute<'_>> {
        Ok(QuarterCompute {
            conn: self.store.connection(),
            settings: &self.settings,
            today: self.today(),
            issuer: self.issuer()?,
            reach: CaseReach::All,
        })
    }

    /// 填报单位: the signed-in user's organisation, else the installation's organisations
    /// that report (insurers and banks).
    pub(crate) fn issuer(&self) -> DeskResult<String> {
        if let Some(o) = self.own_organisation()? {
            return Ok(o.name);
        }
        let conn = self.store.connection();
        let mut names: Vec<String> = orgs::list_orgs(conn)?
            .into_iter()
            .filter(|o| !matches!(o.kind, orgs::OrgKind::City))
            .map(|o| o.name)
            .collect();
        names.truncate(6);
        Ok(names.join("、"))
    }

    /// The quarter's report for the reader: the frozen figures of a closed quarter, else
    /// computed now; one city's lines or all; other parties' lines as one total.
    pub fn quarter_report(&self, scope: ReportScope) -> DeskResult<QuarterReport> {
        self.require_report_reader()?;
        let report = match self.closed_quarter(scope.quarter)? {
            // The reader's own insurer's closing: its tables are its own cases' already.
            Some(frozen) if !frozen.state.organisation.is_empty() => {
                return self.for_reader(frozen.for_city(scope.city));
            }
            Some(frozen) => frozen,
            None => {
                let as_of = self.report_day(scope.quarter)?;
                let mut r = self.quarter_compute()?.report(scope.quarter, as_of)?;
                r.state = self.quarter_state(scope.quarter)?;
                r
            }
        };
        let report = self.case_tables_in_reach(report, scope.quarter)?;
        self.for_reader(report.for_city(scope.city))
    }

    /// The tables that sum cases by city alone (loans by borrower kind, subsidies, flagged
    /// defaulters) cannot split other parties out after the fact: for a reader who sees
    /// only their own organisation's cases they are worked out from those cases alone, as
    /// of the report's day, whether or not the quarter is frozen.
    fn case_tables_in_reach(&self, mut r: QuarterReport, q: Quarter) -> DeskResult<QuarterReport> {
        let reach = self.reach();
        if reach == CaseReach::All {
            return Ok(r);
        }
        let as_of = self.report_day(q)?;
        let compute = QuarterCompute {
            reach,
            ..self.quarter_compute()?
        };
        let own = compute.report(q, as_of)?;
        r.by_kind = own.by_kind;
        r.subsidies = own.subsidies;
        r.defaulters = own.defaulters;
        Ok(r.with_totals())
    }
}

/// What a quarter's figures are computed with: a connection (inside a write, its
/// transaction), the settings, the business date, the issuer's name and the cases counted
/// (all of them for the figures a closing freezes).
pub(crate) struct QuarterCompute<'a> {
    pub conn: &'a surety_store::Connection,
    pub settings: &'a surety_domain::Settings,
    pub today: chrono::NaiveDate,
    pub issuer: String,
    pub reach: CaseReach,
}

/// The days a quarter's figures cover: its first, the first of its year, and the last.
struct Span {
    from: String,
    ytd_from: String,
    to: String,
}

/// Loans by city and borrower kind.
type Kinds = BTreeMap<(String, String), KindLine>;

fn kind_line<'k>(kinds: &'k mut Kinds, city: &str, kind: &str) -> &'k mut KindLine {
    kinds
        .entry((city.to_string(), kind.to_string()))
        .or_insert_with(|| KindLine::zeroed(city, kind))
}

impl QuarterCompute<'_> {
    /// Every city's figures for the quarter as of `as_of`, computed from the events (the
    /// frozen copy of a closed quarter is `quarter_report`'s business): each table of the
    /// store scanned once and summed by the parties of its cases.
    pub(crate) fn report(&self, q: Quarter, as_of: chrono::NaiveDate) -> DeskResult<QuarterReport> {
        let conn = self.conn;
        let to = as_of.to_string();
        let span = Span {
            from: q.start().to_string(),
            ytd_from: q.year_start().to_string(),
            to: to.clone(),
        };
        let names = Names::read(conn)?;
        let mut lines = Lines {
            names: &names,
            by_parties: BTreeMap::new(),
        };
        let mut kinds = Kinds::new();
        let mut dir = book::Directory::load(conn)?;
        let reach = self.reach;
        let in_reach = move |p: &Parties| reach.includes(Some(p.bank_id), Some(p.insurer_id), None);
        if reach != CaseReach::All {
            dir.keep(|e| in_reach(&e.parties));
        }
        let refunded = book::refunds(conn)?;
        self.add_decisions(&dir, &span, &mut lines)?;
        self.add_disbursements(&dir, &span, &mut lines, &mut kinds)?;
        let premiums = self.add_premiums(&dir, &span, &mut lines)?;
        self.add_claims(&span, as_of, &mut lines)?;
        let facts = book::book_facts(conn, as_of, &span.from)?;
        let npl = self.add_books(&dir, &facts, &span, &names, &mut lines, &mut kinds)?;
        let loss_ratios = self.quarter_loss_ratios(&names, &dir, &refunded, as_of)?;
        let bases = crate::reporting::subsidies::bases_from_book(
            self.settings,
            &dir,
            &facts,
            &premiums,
            &refunded,
            &to,
        );
        let (subsidies, _) = self.subsidies_due(q, self.today, bases)?;
        let defaulters = quarter_defaulters(conn, q, &to, in_reach)?;
        Ok(QuarterReport {
            period: q.label(),
            year: q.year,
            quarter: q.quarter,
            start: q.start().to_string(),
            end: q.end().to_string(),
            as_of: to,
            complete: q.has_ended(self.today),
            city: None,
            issuer: self.issuer.clone(),
            state: QuarterState::default(),
            business_total: BusinessLine::default(),
            by_kind_total: KindLine::zeroed("", ""),
            subsidies_total: SubsidyLine::zeroed(""),
            defaulters_total: DefaulterLine::zeroed(""),
            business: lines.by_parties.into_values().collect(),
            by_kind: kinds.into_values().collect(),
            loss_ratios,
            npl,
            subsidies,
            defaulters,
        }
        .with_totals())
    }

    /// Applications taken in, and each side's approvals and refusals.
    fn add_decisions(
        &self,
        dir: &book::Directory,
        span: &Span,
        lines: &mut Lines,
    ) -> DeskResult<()> {
        for (p, n) in book::applications(dir, &span.from, &span.to) {
            lines.at(&p).applications += n;
        }
        let (approvals, declines) = book::decisions(self.conn, dir, &span.from, &span.to)?;
        for (p, n) in approvals {
            lines.at(&p).approved += n;
        }
        for ((p, side), n) in declines {
            let l = lines.at(&p);
            if side == "insurer" {
                l.declined_by_insurer += n;
            } else {
                l.declined_by_bank += n;
            }
        }
        Ok(())
    }

    /// Loans paid out in the quarter and in the year so far, by parties and by kind.
    fn add_disbursements(
        &self,
        dir: &book::Directory,
        span: &Span,
        lines: &mut Lines,
        kinds: &mut Kinds,
    ) -> DeskResult<()> {
        let (quarter, ytd) =
            book::disbursements(self.conn, dir, &span.from, &span.ytd_from, &span.to)?;
        for ((p, kind), (n, amount)) in quarter {
            let l = lines.at(&p);
            l.disbursed_count += n;
            plus_money(&mut l.disbursed_amount, amount);
            let k = kind_line(kinds, &p.city, &kind);
            k.disbursed_count += n;
            plus_money(&mut k.disbursed_amount, amount);
        }
        for ((p, kind), (n, amount)) in ytd {
            let l = lines.at(&p);
            l.ytd_count += n;
            plus_money(&mut l.ytd_amount, amount);
            let k = kind_line(kinds, &p.city, &kind);
            k.ytd_count += n;
            plus_money(&mut k.ytd_amount, amount);
        }
        Ok(())
    }

    /// Premiums written, received and refunded on each line; the premiums received are
    /// answered for the subsidies, which are worked out from them.
    fn add_premiums(
        &self,
        dir: &book::Directory,
        span: &Span,
        lines: &mut Lines,
    ) -> DeskResult<Vec<(i64, String, Money)>> {
        let conn = self.conn;
        for ((p, line_kind), amount) in book::premiums_written(conn, dir, &span.from, &span.to)? {
            let l = lines.at(&p);
            if line_kind == "guarantee" {
                plus_money(&mut l.guarantee_written, amount);
            } else {
                plus_money(&mut l.accident_written, amount);
            }
        }
        let premiums = book::premiums_in(conn, &span.from, &span.to)?;
        for (id, line_kind, amount) in &premiums {
            let Some(e) = dir.get(*id) else { continue };
            let l = lines.at(&e.parties);
            if line_kind == "guarantee" {
                plus_money(&mut l.guarantee_received, *amount);
            } else {
                plus_money(&mut l.accident_received, *amount);
            }
        }
        for (p, amount) in figures::premiums_refunded(conn, &span.from, &span.to)? {
            plus_money(&mut lines.at(&p).premiums_refunded, amount);
        }
        Ok(premiums)
    }

    /// Claims filed, paid, refused and delayed (R-CLAIM-4), accident claims paid, and what
    /// was recovered with its split.
    fn add_claims(
        &self,
        span: &Span,
        as_of: chrono::NaiveDate,
        lines: &mut Lines,
    ) -> DeskResult<()> {
        let (conn, from, to) = (self.conn, &span.from, &span.to);
        for (p, n, loss, _insurer) in figures::claims_filed(conn, from, to)? {
            let l = lines.at(&p);
            l.claims_filed += n;
            plus_money(&mut l.claims_filed_loss, loss);
        }
        for (p, n, amount) in figures::claims_paid(conn, from, to)? {
            let l = lines.at(&p);
            l.claims_paid += n;
            plus_money(&mut l.claims_paid_amount, amount);
        }
        for (p, n) in figures::claims_refused(conn, from, to)? {
            lines.at(&p).claims_refused += n;
        }
        for (p, filed_on, days) in figures::claims_open_at(conn, to)? {
            let filed = crate::claims::settlement::stored_day("claims.filed_on", &filed_on)?;
            if claim_deadline(filed, days, None, as_of).delayed {
                lines.at(&p).claims_delayed += 1;
            }
        }
        for (p, n, amount) in figures::accident_claims_paid(conn, from, to)? {
            let l = lines.at(&p);
            l.accident_claims_paid += n;
            plus_money(&mut l.accident_claims_amount, amount);
        }
        for (p, amount, insurer, bank) in figures::recoveries(conn, from, to)? {
            let l = lines.at(&p);
            plus_money(&mut l.recovered, amount);
            plus_money(&mut l.recovered_insurer, insurer);
            plus_money(&mut l.recovered_bank, bank);
        }
        Ok(())
    }

    /// The banks' books at the end of the day (R-NPL-1): each loan's balance by parties
    /// and kind, and each bank's five tiers in each city.
    fn add_books(
        &self,
        dir: &book::Directory,
        facts: &book::Book,
        span: &Span,
        names: &Names,
        lines: &mut Lines,
        kinds: &mut Kinds,
    ) -> DeskResult<Vec<QuarterNpl>> {
        let mut books: BTreeMap<(String, i64), Vec<(Money, u32)>> = BTreeMap::new();
        for loan in book::loans_on_book(self.conn, dir, &span.to)? {
            let fact = facts.get(loan.case_id);
            let balance = match loan.paid_claim {
                Some((loss, insurer)) => retained_after_claim(loss, insurer, loan.bank_recovered),
                None => loan.disbursed - fact.principal_repaid,
            };
            if balance <= Money::ZERO {
                continue;
            }
            let l = lines.at(&loan.parties);
            l.loans_on_book += 1;
            plus_money(&mut l.balance, balance);
            let k = kind_line(kinds, &loan.parties.city, &loan.kind);
            k.loans_on_book += 1;
            plus_money(&mut k.balance, balance);
            books
                .entry((loan.parties.city.clone(), loan.parties.bank_id))
                .or_default()
                .push((balance, fact.standing.days_overdue));
        }
        Ok(books
            .into_iter()
            .map(|((city, bank_id), loans)| {
                let (bank, bank_name) = names.of(bank_id);
                self.quarter_npl(city, bank, bank_name, &loans)
            })
            .collect())
    }

    fn quarter_npl(
        &self,
        city: String,
        bank: String,
        bank_name: String,
        loans: &[(Money, u32)],
    ) -> QuarterNpl {
        let s = npl_summary(loans.iter().copied(), &self.settings.npl);
        let tier = |class: LoanClass| -> Amount {
            s.by_class
                .iter()
                .find(|(c, _)| *c == class)
                .map(|(_, m)| *m)
                .unwrap_or(Money::ZERO)
                .into()
        };
        QuarterNpl {
            city,
            bank,
            bank_name,
            loans: loans.len() as u32,
            balance: s.balance.into(),
            normal: tier(LoanClass::Normal),
            special_mention: tier(LoanClass::SpecialMention),
            substandard: tier(LoanClass::Substandard),
            doubtful: tier(LoanClass::Doubtful),
            loss: tier(LoanClass::Loss),
            npl_balance: s.npl_balance.into(),
            npl_ratio: s.npl_ratio.map(surety_domain::money::percent_2dp),
            exempt: s.exempt,
        }
    }

    /// R-STOP-1/2 per insurer and city with an agreement, for the pilot year containing
    /// `as_of`, to `as_of`.
    fn quarter_loss_ratios(
        &self,
        names: &Names,
        dir: &book::Directory,
        refunded: &std::collections::HashMap<(i64, String), String>,
        as_of: chrono::NaiveDate,
    ) -> DeskResult<Vec<QuarterLossRatio>> {
        let conn = self.conn;
        let mut out = Vec::new();
        // Cities share pilot years as a rule: one grouped read per distinct year.
        let mut by_year: BTreeMap<(String, String), book::LossRatioInputs> = BTreeMap::new();
        for (insurer_id, city_code) in orgs::underwriter_cities(conn)? {
            let city: City = crate::desk::parse::parse_city(&city_code)?;
            let year = pilot_year_of(as_of, self.settings.pilot_year_start_for(city));
            let span = (year.start.to_string(), year.end.min(as_of).to_string());
            if !by_year.contains_key(&span) {
                let inputs = book::loss_ratio_inputs(conn, dir, refunded, &span.0, &span.1)?;
                by_year.insert(span.clone(), inputs);
            }
            let (premiums, claims) = by_year[&span]
                .get(&(insurer_id, city_code.clone()))
                .copied()
                .unwrap_or((Money::ZERO, Money::ZERO));
            let ratio = surety_domain::LossRatio::new(claims, premiums);
            let threshold = self.settings.limits_for(city).stop_loss_ratio;
            let stop = surety_store::sections::stop_for(
                conn,
                insurer_id,
                city.code(),
                &year.start.to_string(),
                &as_of.to_string(),
            )?;
            let paid =
                crate::stop::compensation::paid_so_far(conn, insurer_id, city, &year, as_of)?;
            let (insurer, insurer_name) = names.of(insurer_id);
            out.push(QuarterLossRatio {
                city: city_code,
                insurer,
                insurer_name,
                year_start: year.start.to_string(),
                year_end: year.end.to_string(),
                premiums_received: ratio.premiums_received.into(),
                claims_paid: ratio.claims_paid.into(),
                loss_ratio: ratio.percent(),
                stop_line_percent: (threshold * rust_decimal::Decimal::ONE_HUNDRED)
                    .normalize()
                    .to_string(),
                stopped: ratio.is_suspended(threshold) || stop.is_some(),
                stopped_on: stop.map(|s| s.stopped_on),
                compensation_due: ratio.compensation_due(threshold).into(),
                compensation_paid: paid.into(),
            });
        }
        Ok(out)
    }
}

/// R-DEFAULT-1 per city: flagged in the quarter, flagged to date, their loans' principal.
fn quarter_defaulters(
    conn: &surety_store::Connection,
    q: Quarter,
    to: &str,
    in_reach: impl Fn(&Parties) -> bool,
) -> DeskResult<Vec<DefaulterLine>> {
    let from = q.start().to_string();
    let mut by_city: BTreeMap<String, DefaulterLine> = BTreeMap::new();
    for (p, flagged_on, outstanding) in figures::defaulters(conn, to)? {
        if !in_reach(&p) {
            continue;
        }
        let l = by_city
            .entry(p.city.clone())
            .or_insert_with(|| DefaulterLine::zeroed(&p.city));
        l.flagged_to_date += 1;
        if flagged_on.as_str() >= from.as_str() {
            l.flagged_in_quarter += 1;
        }
        plus_money(&mut l.outstanding, outstanding.max(Money::ZERO));
    }
    Ok(by_city.into_values().collect())
}

/// A borrower kind's Chinese name for the report's tables ("" for a total line).
pub fn kind_name_zh(kind: &str) -> &'static str {
    kind.parse::<BorrowerKind>()
        .map(|k| k.name_zh())
        .unwrap_or("合计")
}

/// One quarter's headline figures, for the trend chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrendPoint {
    pub period: String,
    pub disbursed_amount: Amount,
    pub balance: Amount,
    pub premiums_received: Amount,
    pub claims_paid_amount: Amount,
    pub loans_on_book: u32,
}

impl Desk {
    /// The headline figures of the `count` quarters ending with the scope's, oldest first
    /// (closed quarters as frozen); quarters not yet begun are left out.
    pub fn quarter_trend(&self, scope: ReportScope, count: u8) -> DeskResult<Vec<TrendPoint>> {
        self.require_report_reader()?;
        let mut quarters = vec![scope.quarter];
        while quarters.len() < usize::from(count.clamp(1, 12)) {
            let before = quarters.last().expect("one at least").previous();
            quarters.push(before);
        }
        quarters.reverse();
        let mut out = Vec::new();
        for q in quarters {
            if q.start() > self.today() {
                continue;
            }
            let r = self.quarter_report(ReportScope {
                quarter: q,
                ..scope
            })?;
            let t = &r.business_total;
            out.push(TrendPoint {
                period: r.period.clone(),
                disbursed_amount: t.disbursed_amount.clone(),
                balance: t.balance.clone(),
                premiums_received: (t.guarantee_received.value() + t.accident_received.value())
                    .into(),
                claims_paid_amount: t.claims_paid_amount.clone(),
                loans_on_book: t.loans_on_book,
            });
        }
        Ok(out)
    }
}
