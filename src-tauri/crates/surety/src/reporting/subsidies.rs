//! R-SUBSIDY-1 (§5.1): the premium and interest subsidies a city pays for eligible
//! borrowers, per case and quarter, on what was actually received and paid in the quarter
//! (premiums received and not refunded, interest repaid — not the schedule), under the
//! city's rules in force; the city's payments as it records them; and the list per city and
//! quarter its finance bureau pays from (names and case numbers: an encrypted spreadsheet).

use crate::desk::dto::Money as Amount;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use crate::reporting::quarter::report::{QuarterCompute, ReportScope, SubsidyLine};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use surety_domain::subsidy::subsidy;
use surety_domain::Rule;
use surety_domain::{BorrowerKind, Money, Quarter};
use surety_store::quarter_figures::{self as figures, SubsidyBase, SubsidyPayment};
use surety_store::{AuditNote, Role};

/// One case's subsidy for a quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubsidyCase {
    pub case_no: String,
    pub borrower_name: String,
    pub city: String,
    pub kind: String,
    pub bank_name: String,
    pub insurer_name: String,
    /// What the subsidy is on: premiums received in the quarter, interest repaid in it.
    pub premiums: Amount,
    pub interest: Amount,
    pub premium_due: Amount,
    pub interest_due: Amount,
    /// The day the city paid it; null while unpaid.
    pub paid_on: Option<String>,
}

/// The city's payment of a quarter's subsidies: one case, or every unpaid case of the city.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SubsidyPaymentInput {
    pub year: i32,
    pub quarter: u8,
    pub city: String,
    /// One case; empty for the whole list of the city's unpaid cases.
    #[serde(default)]
    pub case_no: String,
    pub paid_on: String,
}

/// A case's due subsidy before it is shown: the store's base and the figures.
pub(crate) struct DueCase {
    pub case_id: i64,
    pub view: SubsidyCase,
    pub premium_due: Money,
    pub interest_due: Money,
    pub bank_id: i64,
    pub insurer_id: i64,
}

/// The cities whose rules subsidise anything.
fn subsidising_cities(settings: &surety_domain::Settings) -> Vec<&'static str> {
    settings
        .cities
        .iter()
        .filter(|(_, c)| !c.premium_subsidy_share.is_zero() || !c.interest_subsidy_share.is_zero())
        .map(|(city, _)| city.code())
        .collect()
}

/// The quarter report's bases, from the book already read for it: premiums received in the
/// quarter (not refunded by its end) and interest repaid since its first day, for the cases
/// of the subsidising cities (no names: the report has none).
pub(crate) fn bases_from_book(
    settings: &surety_domain::Settings,
    dir: &surety_store::book::Directory,
    facts: &surety_store::book::Book,
    premiums: &[(i64, String, Money)],
    refunded: &std::collections::HashMap<(i64, String), String>,
    to: &str,
) -> Vec<SubsidyBase> {
    let cities = subsidising_cities(settings);
    if cities.is_empty() {
        return Vec::new();
    }
    let mut received: std::collections::HashMap<i64, Money> = std::collections::HashMap::new();
    for (id, line, amount) in premiums {
        if refunded
            .get(&(*id, line.clone()))
            .is_some_and(|d| d.as_str() <= to)
        {
            continue;
        }
        *received.entry(*id).or_insert(Money::ZERO) += *amount;
    }
    dir.entries()
        .filter(|(_, e)| cities.contains(&e.parties.city.as_str()))
        .filter_map(|(id, e)| {
            let premiums = received.get(&id).copied().unwrap_or(Money::ZERO);
            let interest = facts.get(id).interest_since;
            (!premiums.is_zero() || !interest.is_zero()).then(|| SubsidyBase {
                case_id: id,
                case_no: String::new(),
                borrower_name: String::new(),
                parties: e.parties.clone(),
                kind: e.kind.clone(),
                premiums,
                interest,
            })
        })
        .collect()
}

impl QuarterCompute<'_> {
    /// The cities whose rules subsidise anything: only their cases are read.
    pub(crate) fn subsidising_cities(&self) -> Vec<&'static str> {
        subsidising_cities(self.settings)
    }

    /// The bases of quarter `q` to `as_of`, with the cases' numbers and borrowers (for the
    /// list and the city's payment).
    pub(crate) fn named_bases(
        &self,
        q: Quarter,
        as_of: chrono::NaiveDate,
    ) -> DeskResult<Vec<SubsidyBase>> {
        Ok(figures::subsidy_bases(
            self.conn,
            &q.start().to_string(),
            &as_of.to_string(),
            &self.subsidising_cities(),
        )?)
    }

    /// Per city, and per case, the subsidies due for quarter `q` on `bases` (what was
    /// received and paid in it), each part half-up to the fen per case (DOMAIN.md: computed
    /// per case), with the payments recorded by `paid_by` (a city pays after the quarter:
    /// the reading's business date, or the closing's).
    pub(crate) fn subsidies_due(
        &self,
        q: Quarter,
        paid_by: chrono::NaiveDate,
        bases: Vec<SubsidyBase>,
    ) -> DeskResult<(Vec<SubsidyLine>, Vec<DueCase>)> {
        let period = q.label();
        let paid: BTreeMap<i64, SubsidyPayment> =
            figures::subsidy_payments(self.conn, &period, &paid_by.to_string())?
                .into_iter()
                .map(|p| (p.case_id, p))
                .collect();
        let names = crate::reporting::quarter::report::Names::read(self.conn)?;
        let mut lines: BTreeMap<String, SubsidyLine> = BTreeMap::new();
        let mut cases = Vec::new();
        for base in bases {
            let city = crate::desk::parse::parse_city(&base.parties.city)?;
            let kind: BorrowerKind = crate::desk::parse::parse_kind(&base.kind)?;
            let rules = self.settings.city(city);
            let due = subsidy(kind, base.premiums, base.interest, &rules);
            let line = lines
                .entry(base.parties.city.clone())
                .or_insert_with(|| SubsidyLine {
                    city: base.parties.city.clone(),
                    premium_share: rules.premium_subsidy_share.normalize().to_string(),
                    interest_share: rules.interest_subsidy_share.normalize().to_string(),
                    premium_due: Money::ZERO.into(),
                    interest_due: Money::ZERO.into(),
                    premium_paid: Money::ZERO.into(),
                    interest_paid: Money::ZERO.into(),
                    cases: 0,
                });
            if due.total().is_zero() {
                continue;
            }
            line.cases += 1;
            line.premium_due = (line.premium_due.value() + due.premium).into();
            line.interest_due = (line.interest_due.value() + due.interest).into();
            let payment = paid.get(&base.case_id);
            if let Some(p) = payment {
                line.premium_paid = (line.premium_paid.value() + p.premium).into();
                line.interest_paid = (line.interest_paid.value() + p.interest).into();
            }
            cases.push(DueCase {
                case_id: base.case_id,
                premium_due: due.premium,
                interest_due: due.interest,
                bank_id: base.parties.bank_id,
                insurer_id: base.parties.insurer_id,
                view: SubsidyCase {
                    case_no: base.case_no,
                    borrower_name: base.borrower_name,
                    city: base.parties.city.clone(),
                    kind: base.kind,
                    bank_name: names.of(base.parties.bank_id).1,
                    insurer_name: names.of(base.parties.insurer_id).1,
                    premiums: base.premiums.into(),
                    interest: base.interest.into(),
                    premium_due: due.premium.into(),
                    interest_due: due.interest.into(),
                    paid_on: payment.map(|p| p.paid_on.clone()),
                },
            });
        }
        // A city whose rules give nothing has no line.
        lines.retain(|_, l| !(l.cases == 0 && l.premium_share == "0" && l.interest_share == "0"));
        Ok((lines.into_values().collect(), cases))
    }
}

impl Desk {
    /// The quarter's subsidy list: every case with a subsidy due, of one city or all, that
    /// the reader's work covers (their bank's, their insurer's; all for admins, auditors).
    /// The quarter's subsidy list, case by case with borrowers' names: on the audit record
    /// with its count.
    pub fn subsidy_list(&mut self, scope: ReportScope) -> DeskResult<Vec<SubsidyCase>> {
        let list = self.subsidy_rows(scope)?;
        if !list.is_empty() {
            self.record_disclosure(
                "subsidy.list_read",
                "quarter",
                &scope.quarter.label(),
                format!("subsidy list read: {} cases", list.len()),
            )?;
        }
        Ok(list)
    }

    pub(crate) fn subsidy_rows(&self, scope: ReportScope) -> DeskResult<Vec<SubsidyCase>> {
        self.require_report_reader()?;
        let as_of = self.report_day(scope.quarter)?;
        let compute = self.quarter_compute()?;
        let bases = compute.named_bases(scope.quarter, as_of)?;
        let (_, cases) = compute.subsidies_due(scope.quarter, self.today(), bases)?;
        let reach = self.reach();
        Ok(cases
            .into_iter()
            .filter(|c| scope.city.is_none_or(|city| c.view.city == city.code()))
            .filter(|c| reach.includes(Some(c.bank_id), Some(c.insurer_id), None))
            .map(|c| c.view)
            .collect())
    }

    /// Records the city's payment of a quarter's subsidies as computed (one case, or every
    /// unpaid case of the city), in one transaction. An admin, or the staff of the cases'
    /// bank or insurer; only for a quarter that is over, never twice for a case.
    pub fn record_subsidy_payment(
        &mut self,
        input: &SubsidyPaymentInput,
    ) -> DeskResult<Vec<SubsidyCase>> {
        self.require_role(
            &[Role::Admin, Role::Underwriter, Role::BankOfficer],
            "登记财政补贴拨付",
            "record subsidy payments",
        )?;
        let q = Quarter::new(input.year, input.quarter)?;
        let city = crate::desk::parse::parse_city(&input.city)?;
        let paid_on = self.subsidy_paid_on(q, &input.paid_on)?;
        let case_no = input.case_no.trim().to_string();
        let reach = self.reach();
        let actor = self.actor();
        let user_id = self.user.id;
        let settings = self.settings.clone();
        let today = self.today();
        let label = q.label();
        let paid_on_text = paid_on.to_string();
        let paid = self.store.write(&actor, "subsidy.pay", |tx| {
            let compute = QuarterCompute {
                conn: tx,
                settings: &settings,
                today,
                issuer: String::new(),
                reach: surety_store::cases::CaseReach::All,
            };
            let every_payment = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid");
            let (_, cases) = compute
                .named_bases(q, q.end())
                .and_then(|bases| compute.subsidies_due(q, every_payment, bases))
                .map_err(|e| surety_store::StoreError::Corrupt(e.message_en))?;
            let chosen: Vec<&DueCase> = cases
                .iter()
                .filter(|c| c.view.city == city.code())
                .filter(|c| case_no.is_empty() || c.view.case_no == case_no)
                .filter(|c| reach.includes(Some(c.bank_id), Some(c.insurer_id), None))
                .filter(|c| c.view.paid_on.is_none())
                .collect();
            if chosen.is_empty() {
                return Err(nothing_to_pay(&case_no, city, q));
            }
            let mut total = Money::ZERO;
            for c in &chosen {
                figures::insert_subsidy_payment(
                    tx,
                    &label,
                    &SubsidyPayment {
                        case_id: c.case_id,
                        premium: c.premium_due,
                        interest: c.interest_due,
                        paid_on: paid_on_text.clone(),
                    },
                    user_id,
                )?;
                total += c.premium_due + c.interest_due;
            }
            let list: Vec<SubsidyCase> = chosen
                .iter()
                .map(|c| SubsidyCase {
                    paid_on: Some(paid_on_text.clone()),
                    ..c.view.clone()
                })
                .collect();
            Ok((
                list,
                AuditNote::new(
                    "subsidy",
                    format!("{}/{label}", city.code()),
                    format!(
                        "R-SUBSIDY-1 paid {} case(s) for {label} on {paid_on_text}: {total}",
                        chosen.len()
                    ),
                ),
            ))
        })?;
        Ok(paid)
    }

    /// A quarter's subsidies are paid after it ends, and not after the business date.
    fn subsidy_paid_on(&self, q: Quarter, text: &str) -> DeskResult<chrono::NaiveDate> {
        let paid_on = crate::desk::parse::parse_business_date("paid_on", text)?;
        if paid_on <= q.end() {
            return Err(DeskError::new(
                ErrorCode::RSubsidy1,
                Some("paid_on"),
                format!(
                    "{} 的补贴在季度结束（{}）后才能拨付，拨付日期 {paid_on} 不对",
                    q.label_zh(),
                    q.end()
                ),
                format!(
                    "{}'s subsidies are paid after the quarter ends ({}): {paid_on} is too early",
                    q.label(),
                    q.end()
                ),
            ));
        }
        if paid_on > self.today() {
            return Err(DeskError::invalid(
                "paid_on",
                format!("拨付日期 {paid_on} 晚于业务日期 {}", self.today()),
                format!(
                    "paid_on {paid_on} is after the business date {}",
                    self.today()
                ),
            ));
        }
        Ok(paid_on)
    }
}

impl Desk {
    /// The quarter's subsidy list for the city's finance bureau: an encrypted spreadsheet
    /// (names and case numbers), on the audit record.
    pub fn export_subsidies_to(
        &mut self,
        scope: ReportScope,
        password: &str,
        out: &std::path::Path,
    ) -> DeskResult<crate::case_file::printing::Printed> {
        use surety_docs::xlsx::{encrypted, workbook, Cell, Sheet};
        crate::case_file::printing::check_export_password(password)?;
        crate::desk::output::check(self.store.path(), out)?;
        let list = self.subsidy_rows(scope)?;
        let rows = list
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(crate::reporting::quarter::documents::city_zh(&c.city)),
                    Cell::Text(c.case_no.clone()),
                    Cell::Text(c.borrower_name.clone()),
                    Cell::Text(crate::reporting::quarter::report::kind_name_zh(&c.kind).into()),
                    Cell::Text(c.bank_name.clone()),
                    Cell::Text(c.insurer_name.clone()),
                    Cell::Money(c.premiums.value()),
                    Cell::Money(c.interest.value()),
                    Cell::Money(c.premium_due.value()),
                    Cell::Money(c.interest_due.value()),
                    Cell::Text(c.paid_on.clone().unwrap_or_default()),
                ]
            })
            .collect();
        let columns = [
            ("城市", 8.0),
            ("案件号", 22.0),
            ("借款人", 28.0),
            ("借款人类型", 12.0),
            ("贷款银行", 24.0),
            ("保险公司", 24.0),
            ("本季实收保费", 14.0),
            ("本季实付利息", 14.0),
            ("保费补贴", 12.0),
            ("贴息", 12.0),
            ("拨付日期", 12.0),
        ];
        let plain = workbook(&[Sheet {
            name: format!("{}补贴清单", scope.quarter.label()),
            columns: columns.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            rows,
        }])?;
        let bytes = encrypted(&plain, password)?;
        self.deliver(
            out,
            &bytes,
            ("export.subsidies", "subsidy", &scope.quarter.label()),
            format!(
                "R-SUBSIDY-1 list of {} case(s) for {}",
                list.len(),
                scope.quarter.label()
            ),
        )
    }
}

/// Nothing of the quarter waits to be paid in the city (or for the case named).
fn nothing_to_pay(
    case_no: &str,
    city: surety_domain::City,
    q: Quarter,
) -> surety_store::StoreError {
    let label = q.label();
    surety_store::StoreError::Rule(surety_domain::Violation::new(
        Rule::RSubsidy1,
        "case_no",
        if case_no.is_empty() {
            format!("{}{} 没有待拨付的补贴", city.name_zh(), q.label_zh())
        } else {
            format!(
                "案件 {case_no} 在{}{} 没有待拨付的补贴（已拨付、无补贴或不在您的业务范围）",
                city.name_zh(),
                q.label_zh()
            )
        },
        if case_no.is_empty() {
            format!(
                "no subsidy is waiting to be paid in {} for {label}",
                city.name_en()
            )
        } else {
            format!(
                "case {case_no} has no subsidy waiting in {} for {label} (paid, none due, or not in your work)",
                city.name_en()
            )
        },
    ))
}
