//! What a case looks like to its readers: every section, the schedule with what was paid,
//! the live overdue state, and the timeline from the audit log.

use crate::desk::dto;
use crate::desk::error::DeskResult;
use crate::desk::parse::{parse_city, parse_date, parse_kind};
use crate::desk::Desk;
use serde::{Deserialize, Serialize};
use surety_domain::claim::{overdue_since, PeriodPaid};
use surety_domain::npl::classify;
use surety_domain::{capital_amount, CaseStatus, City};
use surety_store::cases::{search, CasePage, CaseQuery, CaseSort};
use surety_store::orgs;
use surety_store::sections::{self, CaseRecord};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BorrowerView {
    pub name: String,
    pub kind: String,
    pub id_number: String,
    pub address: String,
    pub legal_rep: String,
    pub flagged_evasion: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduleLine {
    #[serde(flatten)]
    pub installment: dto::Installment,
    pub interest_paid: dto::Money,
    pub principal_paid: dto::Money,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverdueView {
    pub since: String,
    pub days: u32,
    /// Five-tier class (R-NPL-1), in Chinese.
    pub class: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OfficeWord {
    pub case_no: String,
    pub status: String,
    pub status_zh: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseView {
    pub case_no: String,
    pub status: dto::CaseStatus,
    pub status_zh: String,
    pub city: String,
    pub city_zh: String,
    pub bank: String,
    pub bank_name: String,
    pub insurer: String,
    pub insurer_name: String,
    pub borrower: BorrowerView,
    pub principal: dto::Money,
    /// 人民币大写
    pub principal_capital: String,
    pub annual_rate: String,
    pub term_months: u32,
    pub repayment: String,
    pub guarantee_rate: String,
    pub accident_rate: String,
    pub application_date: String,
    pub contract_date: Option<String>,
    /// R-AMT-1: the amount needs both sides' exception approval.
    pub needs_exception: bool,
    pub quote: serde_json::Value,
    pub investigations: Vec<dto::Investigation>,
    pub review_notes: Vec<dto::ReviewNote>,
    pub exceptions: Vec<dto::SideAct>,
    pub decisions: Vec<dto::SideAct>,
    pub contracts: Vec<dto::Contract>,
    pub premiums: Vec<dto::Premium>,
    /// Each side's agreement to withdraw an approved case (both are needed).
    pub withdrawal_consents: Vec<dto::SideAct>,
    /// The premiums refunded when the case was withdrawn.
    pub premium_refunds: Vec<dto::Refund>,
    pub schedule: Vec<ScheduleLine>,
    pub disbursed_on: Option<String>,
    /// The day the case was closed (written off or settled); null while open.
    pub closed_on: Option<String>,
    pub repayments: Vec<dto::Repayment>,
    /// Every version of the schedule once an early repayment replaced the contract's
    /// (oldest first, the one in force marked); empty while there is only one.
    pub schedule_versions: Vec<dto::ScheduleVersion>,
    /// What repaying the whole loan today takes, while the loan is running.
    pub payoff_today: Option<crate::case_file::payoff::PayoffView>,
    pub overdue: Option<OverdueView>,
    pub claim: Option<dto::ClaimRecord>,
    /// The borrower's identifier was issued outside the case's city: check, not a refusal.
    pub region_warning: Option<dto::Violation>,
    /// R-CLAIM-3: accident claims paid to the bank, applied to the loan.
    pub accident_claims: Vec<dto::AccidentClaim>,
    pub recoveries: Vec<dto::Recovery>,
    pub subsidy_premium: Option<dto::Money>,
    pub subsidy_interest: Option<dto::Money>,
    pub timeline: Vec<dto::AuditEntry>,
    /// The side the signed-in user acts for on this case, if any.
    pub my_side: Option<dto::Side>,
    /// On a field laptop: what the office made of this application (its case number and
    /// status), as of the office's last bundle.
    pub office: Option<OfficeWord>,
    /// The steps the signed-in user can take now (`surety_domain::process::next_steps`):
    /// the case page offers exactly these (the service refuses any other anyway).
    pub next_steps: Vec<dto::Step>,
    /// The documents this case can be printed as now (the same check printing makes).
    pub printable: Vec<crate::desk::dto::DocumentKind>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CaseListInput {
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: Option<u32>,
    /// applied_desc (default) | applied_asc | principal_desc | principal_asc | case_no_asc | case_no_desc
    #[serde(default)]
    pub sort: Option<String>,
}

/// The most cases a screen's page shows (the window's largest page size); a longer list is
/// a bulk read.
pub const CASE_PAGE_ROWS_MAX: usize = 100;

impl Desk {
    /// A page of the case list. More than a screen's page at once is a bulk read of
    /// personal data: on the audit record with its count and filters.
    pub fn case_list(&mut self, input: &CaseListInput) -> DeskResult<CasePage> {
        let page = self.case_page(input)?;
        if page.rows.len() > CASE_PAGE_ROWS_MAX {
            self.record_disclosure(
                "case.list_read",
                "case",
                "-",
                format!(
                    "case list read: {} cases (search {:?}, city {:?}, status {:?}, offset {})",
                    page.rows.len(),
                    input.search.as_deref().unwrap_or(""),
                    input.city.as_deref().unwrap_or(""),
                    input.status.as_deref().unwrap_or(""),
                    input.offset.unwrap_or(0)
                ),
            )?;
        }
        Ok(page)
    }

    pub(crate) fn case_page(&self, input: &CaseListInput) -> DeskResult<CasePage> {
        let status = input
            .status
            .as_deref()
            .map(|s| {
                s.parse::<CaseStatus>().map_err(|_| {
                    let codes: Vec<&str> = CaseStatus::ALL.iter().map(|c| c.code()).collect();
                    crate::desk::error::DeskError::invalid(
                        "status",
                        format!("未知状态“{s}”，应为：{}", codes.join("、")),
                        format!("unknown status `{s}`; one of: {}", codes.join(", ")),
                    )
                })
            })
            .transpose()?;
        // Invisible characters never reach a stored name, so they never narrow a search.
        let search_text = input.search.as_deref().map(|t| {
            use unicode_normalization::UnicodeNormalization;
            t.chars()
                .filter(|c| !crate::desk::text::is_invisible(*c))
                .nfc()
                .take(100)
                .collect::<String>()
        });
        let q = CaseQuery {
            search: search_text,
            city: input.city.as_deref().map(parse_city).transpose()?,
            status,
            kind: input.kind.as_deref().map(parse_kind).transpose()?,
            from: input
                .from
                .as_deref()
                .map(|d| parse_date("from", d))
                .transpose()?,
            to: input
                .to
                .as_deref()
                .map(|d| parse_date("to", d))
                .transpose()?,
            limit: input.limit.unwrap_or(50),
            offset: input.offset.unwrap_or(0),
            sort: match input.sort.as_deref() {
                None | Some("") => CaseSort::default(),
                Some(code) => CaseSort::parse(code).ok_or_else(|| {
                    let codes: Vec<&str> = CaseSort::ALL.iter().map(|s| s.code()).collect();
                    crate::desk::error::DeskError::invalid(
                        "sort",
                        format!("未知排序“{code}”，应为：{}", codes.join("、")),
                        format!("unknown order `{code}`; one of: {}", codes.join(", ")),
                    )
                })?,
            },
            reach: self.reach(),
        };
        let mut page = search(self.store.connection(), &q)?;
        for row in &mut page.rows {
            row.id_number = crate::desk::session::mask_id(&row.id_number);
        }
        Ok(page)
    }

    pub fn case_show(&self, case_no: &str) -> DeskResult<CaseView> {
        let case = self.case(case_no)?;
        self.view(&case)
    }

    // One field per section of the case page: a long literal rather than long logic, each
    // section read by its own store function.
    pub(crate) fn view(&self, case: &CaseRecord) -> DeskResult<CaseView> {
        let conn = self.store.connection();
        let org = |id: Option<i64>| -> DeskResult<(String, String)> {
            Ok(id
                .and_then(|id| orgs::org_by_id(conn, id).transpose())
                .transpose()?
                .map(|o| (o.code, o.name))
                .unwrap_or_default())
        };
        let (bank, bank_name) = org(case.bank_id)?;
        let (insurer, insurer_name) = org(case.insurer_id)?;
        let (schedule, paid) = sections::position(conn, case.id)?;
        let overdue = self.overdue_view(case, &schedule, &paid);
        let city: City = case.city;
        let subsidy = sections::subsidy(conn, case.id)?;
        Ok(CaseView {
            case_no: case.case_no.clone(),
            status: case.status.into(),
            status_zh: case.status.name_zh().into(),
            city: case.city.code().into(),
            city_zh: city.name_zh().into(),
            bank,
            bank_name,
            insurer,
            insurer_name,
            borrower: BorrowerView {
                name: case.borrower_name.clone(),
                kind: case.borrower_kind.code().into(),
                id_number: case.borrower_id_number.clone(),
                address: case.borrower_address.clone(),
                legal_rep: case.borrower_legal_rep.clone(),
                flagged_evasion: case.borrower_flagged,
            },
            principal: case.principal.into(),
            principal_capital: capital_amount(case.principal).unwrap_or_default(),
            annual_rate: case.annual_rate.to_string(),
            term_months: case.term_months,
            repayment: case.repayment.code().into(),
            guarantee_rate: case.guarantee_rate.to_string(),
            accident_rate: case.accident_rate.to_string(),
            application_date: case.application_date.to_string(),
            contract_date: case.contract_date.map(|d| d.to_string()),
            needs_exception: self.needs_exception(case),
            quote: self.stored_quote_json(case)?,
            investigations: dto::list(sections::investigations(conn, case.id)?),
            review_notes: dto::list(sections::review_notes(conn, case.id)?),
            exceptions: dto::list(sections::exceptions(conn, case.id)?),
            decisions: dto::list(sections::decisions(conn, case.id)?),
            contracts: dto::list(sections::contracts(conn, case.id)?),
            premiums: dto::list(sections::premiums(conn, case.id)?),
            withdrawal_consents: dto::list(surety_store::withdrawals::consents(conn, case.id)?),
            premium_refunds: dto::list(surety_store::withdrawals::refunds(conn, case.id)?),
            schedule: schedule_lines(schedule, paid),
            disbursed_on: sections::disbursed_on(conn, case.id)?,
            closed_on: case.closed_on.clone(),
            repayments: dto::list(sections::repayments(conn, case.id)?),
            schedule_versions: {
                let versions = surety_store::schedules::versions(conn, case.id)?;
                if versions.len() > 1 {
                    dto::list(versions)
                } else {
                    Vec::new()
                }
            },
            payoff_today: match case.status {
                CaseStatus::Disbursed | CaseStatus::Overdue => {
                    Some(self.payoff_figure(case, self.today())?)
                }
                _ => None,
            },
            overdue,
            claim: self.claim_view(case)?,
            region_warning: surety_domain::borrower::division_code(
                &case.borrower_id_number,
                case.borrower_kind.identified_by(),
            )
            .and_then(|region| case.city.region_warning(region))
            .map(Into::into),
            accident_claims: dto::list(surety_store::accident_claims::for_case(conn, case.id)?),
            recoveries: dto::list(sections::recoveries(conn, case.id)?),
            subsidy_premium: subsidy.map(|s| s.0.into()),
            subsidy_interest: subsidy.map(|s| s.1.into()),
            timeline: dto::list(surety_store::audit::entries_for(
                conn,
                "case",
                &case.case_no,
            )?),
            my_side: self.side_on(case, "", "").ok().map(Into::into),
            office: surety_store::bundles::office_word(conn, case.id)?.map(|w| OfficeWord {
                status_zh: w
                    .status
                    .parse::<surety_domain::CaseStatus>()
                    .map(|s| s.name_zh().to_string())
                    .unwrap_or_default(),
                case_no: w.case_no,
                status: w.status,
                as_of: w.as_of,
            }),
            next_steps: dto::list(self.next_steps(case)?),
            printable: self.printable(case)?,
        })
    }

    /// How long the loan has been overdue and its tier (R-NPL-1): a claimed loan keeps
    /// ageing until it is recovered or written off.
    fn overdue_view(
        &self,
        case: &CaseRecord,
        schedule: &[surety_domain::Installment],
        paid: &[PeriodPaid],
    ) -> Option<OverdueView> {
        let ageing = matches!(
            case.status,
            CaseStatus::Disbursed
                | CaseStatus::Overdue
                | CaseStatus::Claimed
                | CaseStatus::ClaimRefused
                | CaseStatus::ClaimPaid
                | CaseStatus::Recovery
        );
        if !ageing {
            return None;
        }
        let since = overdue_since(schedule, paid, self.today())?;
        let days = (self.today() - since).num_days().max(0) as u32;
        Some(OverdueView {
            since: since.to_string(),
            days,
            class: classify(days, &self.settings.npl).name_zh().into(),
        })
    }
}

/// Each period of the schedule in force beside what was paid on it.
fn schedule_lines(
    schedule: Vec<surety_domain::Installment>,
    paid: Vec<PeriodPaid>,
) -> Vec<ScheduleLine> {
    schedule
        .into_iter()
        .zip(
            paid.into_iter()
                .chain(std::iter::repeat(PeriodPaid::default())),
        )
        .map(|(installment, p)| ScheduleLine {
            installment: installment.into(),
            interest_paid: p.interest.into(),
            principal_paid: p.principal.into(),
        })
        .collect()
}
