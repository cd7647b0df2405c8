//! R-REPORT-1: a quarter closed is frozen — its figures stored as they were (with their
//! SHA-256 and a revision number) and shown as stored whatever happens later — until an
//! admin reopens it with a reason; closing again writes the next revision. Each insurer
//! closes its own lines (a pool by its lead underwriter); an admin's closing covers the
//! whole installation. Also here: which lines a reader sees (their own organisation's;
//! everyone else's as one total).

use crate::desk::dto::Money as Amount;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use crate::reporting::quarter::combined::combined;
use crate::reporting::quarter::report::{
    BusinessLine, QuarterCompute, QuarterLossRatio, QuarterNpl, QuarterReport, QuarterState,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use surety_domain::Rule;
use surety_domain::{LossRatio, Money, Quarter};
use surety_store::cases::CaseReach;
use surety_store::quarter_figures as figures;
use surety_store::{AuditNote, Role};

/// Which quarter to close.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct QuarterInput {
    pub year: i32,
    pub quarter: u8,
}

/// Which quarter to reopen, and why; with several insurers' closings in force, whose.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ReopenInput {
    pub year: i32,
    pub quarter: u8,
    pub reason: String,
    /// The insurer's code whose closing to reopen; empty or absent for the only one.
    #[serde(default)]
    pub organisation: Option<String>,
}

fn state_of(c: &figures::ClosedQuarter) -> QuarterState {
    QuarterState {
        closed: c.reopened_on.is_none(),
        organisation: c.organisation.clone(),
        closed_for: Vec::new(),
        revision: c.revision,
        closed_on: Some(c.closed_on.clone()),
        closed_by: Some(c.closed_by.clone()),
        sha256: Some(c.sha256.clone()),
        reopened_on: c.reopened_on.clone(),
        reopened_by: c.reopened_by.clone(),
        reopen_reason: c.reopen_reason.clone(),
    }
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A closing's frozen figures, checked against their SHA-256.
fn frozen_figures(c: &figures::ClosedQuarter) -> DeskResult<QuarterReport> {
    if sha256_hex(&c.figures_json) != c.sha256 {
        return Err(surety_store::StoreError::Corrupt(format!(
            "quarter_reports: {} revision {} does not match its SHA-256",
            c.period, c.revision
        ))
        .into());
    }
    serde_json::from_str(&c.figures_json).map_err(|e| {
        surety_store::StoreError::Corrupt(format!(
            "quarter_reports: {} revision {}: {e}",
            c.period, c.revision
        ))
        .into()
    })
}

/// Whose closing a closing is, in words: the whole installation's or an insurer's.
fn whose(organisation: &str) -> (String, String) {
    if organisation.is_empty() {
        ("整个机构".into(), "the whole installation".into())
    } else {
        (
            format!("{organisation} 的部分"),
            format!("{organisation}'s lines"),
        )
    }
}

impl Desk {
    /// The closing a reader's report shows: the whole installation's if in force, else
    /// their own insurer's (a reader of an insurer's cases), else the newest of those two
    /// reopened; and the insurers whose own closings are in force.
    fn closing_for_reader(
        &self,
        q: Quarter,
    ) -> DeskResult<(Option<figures::ClosedQuarter>, Vec<String>)> {
        let conn = self.store.connection();
        let own = match self.reach() {
            CaseReach::Insurer(_) => self.own_organisation()?.map(|o| o.code),
            _ => None,
        };
        let all = figures::closings(conn, &q.label())?;
        let closed_for: Vec<String> = all
            .iter()
            .filter(|c| c.reopened_on.is_none() && !c.organisation.is_empty())
            .map(|c| c.organisation.clone())
            .collect();
        let relevant = |c: &&figures::ClosedQuarter| {
            c.organisation.is_empty() || Some(&c.organisation) == own.as_ref()
        };
        let shown = all
            .iter()
            .filter(relevant)
            .find(|c| c.reopened_on.is_none())
            .or_else(|| all.iter().find(relevant))
            .cloned();
        Ok((shown, closed_for))
    }

    /// The quarter's state for the reader: never closed, closed at a revision (the whole
    /// installation, or the reader's insurer), or reopened; and which insurers closed.
    pub(crate) fn quarter_state(&self, q: Quarter) -> DeskResult<QuarterState> {
        let (shown, closed_for) = self.closing_for_reader(q)?;
        let mut state = shown.map(|c| state_of(&c)).unwrap_or_default();
        state.closed_for = closed_for;
        Ok(state)
    }

    /// The frozen figures the reader's report shows (see `closing_for_reader`).
    pub(crate) fn closed_quarter(&self, q: Quarter) -> DeskResult<Option<QuarterReport>> {
        let (shown, closed_for) = self.closing_for_reader(q)?;
        let Some(c) = shown.filter(|c| c.reopened_on.is_none()) else {
            return Ok(None);
        };
        let mut report = frozen_figures(&c)?;
        report.state = state_of(&c);
        report.state.closed_for = closed_for;
        Ok(Some(report))
    }

    /// Freezes a quarter that is over as of its last day, revision one more than the
    /// period's last: an underwriter freezes their insurer's lines (a pool's lead, the
    /// pool's), an admin the whole installation. The province's copy — every closing in
    /// force combined — waits in the outbox, one envelope per city.
    pub fn close_quarter(&mut self, input: &QuarterInput) -> DeskResult<QuarterReport> {
        self.require_role(
            &[Role::Admin, Role::Underwriter],
            "关闭季度报表",
            "close a quarter's report",
        )?;
        let q = Quarter::new(input.year, input.quarter)?;
        let today = self.today();
        if !q.has_ended(today) {
            return Err(DeskError::new(
                ErrorCode::RReport1,
                Some("quarter"),
                format!("{} 尚未结束（至 {}，业务日期 {today}），结束后才能关闭", q.label_zh(), q.end()),
                format!("{} is not over (it ends {}, business date {today}): it can be closed once it has ended", q.label(), q.end()),
            ));
        }
        let scope = match self.user.role {
            Role::Underwriter => {
                let org = self.own_organisation()?.ok_or_else(|| {
                    DeskError::invalid(
                        "quarter",
                        "核保人员未属任何保险公司，无法关闭季度：请管理员设置其所属机构或由管理员关闭",
                        "the underwriter belongs to no insurer, so has no lines to close: an admin sets their organisation, or closes the whole installation",
                    )
                })?;
                Some((org.id, org.code))
            }
            _ => None,
        };
        let organisation = scope
            .as_ref()
            .map(|(_, code)| code.clone())
            .unwrap_or_default();
        let actor = self.actor();
        let user_id = self.user.id;
        let label = q.label();
        let issuer = self.issuer()?;
        let settings = self.settings.clone();
        let made_at = surety_store::store::now_rfc3339();
        self.store.write(&actor, "quarter.close", |tx| {
            // Read inside the transaction: a second closing at the same moment waits and
            // then sees this one.
            let in_force = figures::closings_in_force(tx, &label)?;
            if let Some(c) = in_force.iter().find(|c| {
                c.organisation.is_empty() || organisation.is_empty() || c.organisation == organisation
            }) {
                let (zh, en) = whose(&c.organisation);
                let (hint_zh, hint_en) = if organisation.is_empty() && !c.organisation.is_empty() {
                    (
                        "各保险公司已分别关闭的，由其余保险公司各自关闭；或由管理员先重开它们",
                        "the other insurers close their own lines, or an admin reopens the insurers' closings first",
                    )
                } else {
                    ("须由管理员重开后才能再次关闭", "an admin must reopen it before it is closed again")
                };
                return Err(surety_store::StoreError::Rule(surety_domain::Violation::new(
                    Rule::RReport1,
                    "quarter",
                    format!("{}（{zh}）已于 {} 关闭（第 {} 版）：{hint_zh}", q.label_zh(), c.closed_on, c.revision),
                    format!("{label} ({en}) was closed on {} (revision {}): {hint_en}", c.closed_on, c.revision),
                )));
            }
            let revision = figures::latest_closing(tx, &label)?.map_or(1, |c| c.revision + 1);
            let compute = QuarterCompute {
                conn: tx,
                settings: &settings,
                today,
                issuer,
                reach: scope.as_ref().map_or(CaseReach::All, |(id, _)| CaseReach::Insurer(*id)),
            };
            // A stored value that no longer parses is the only way this fails.
            let mut report = compute
                .report(q, q.end())
                .map_err(|e| surety_store::StoreError::Corrupt(e.message_en))?;
            if !organisation.is_empty() {
                report = report.of_insurer(&organisation);
            }
            let json = serde_json::to_string(&report).expect("a report serializes");
            let sha = sha256_hex(&json);
            figures::insert_closing(
                tx,
                &figures::NewClosing {
                    period: &label,
                    revision,
                    organisation: &organisation,
                    figures_json: &json,
                    sha256: &sha,
                    closed_on: &today.to_string(),
                    user_id,
                },
            )?;
            // The province's copy: every closing in force with this one, one signed
            // envelope per city, waiting in the outbox.
            let mut frozen = vec![report.clone()];
            for c in &in_force {
                frozen.push(frozen_figures(c).map_err(|e| surety_store::StoreError::Corrupt(e.message_en))?);
            }
            let province = combined(frozen, settings.npl.exemption_ratio);
            let closing = QuarterState {
                closed: true,
                revision,
                closed_on: Some(today.to_string()),
                closed_by: Some(actor.clone()),
                sha256: Some(sha.clone()),
                ..QuarterState::default()
            };
            let envelopes =
                crate::reporting::sync::write_envelopes(tx, &province, q, &closing, &organisation, &made_at)?;
            let (_, whose_en) = whose(&organisation);
            Ok((
                revision,
                AuditNote::new(
                    "quarter",
                    &label,
                    format!(
                        "R-REPORT-1 closed {label} ({whose_en}) revision {revision}: {} loans disbursed, balance {}, sha256 {sha}; {envelopes} envelope(s) for the province",
                        report.business_total.disbursed_count, report.business_total.balance.0
                    ),
                ),
            ))
        })?;
        self.quarter_report(crate::reporting::quarter::report::ReportScope {
            quarter: q,
            city: None,
        })
    }

    /// Reopens a closed quarter: an admin, with a reason, on the audit record. The frozen
    /// revision is kept; closing again writes the next.
    pub fn reopen_quarter(&mut self, input: &ReopenInput) -> DeskResult<QuarterReport> {
        self.require_admin("重开已关闭的季度报表", "reopen a closed quarter")?;
        let q = Quarter::new(input.year, input.quarter)?;
        let reason = crate::desk::text::clean("reason", &input.reason, crate::desk::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "reason",
                "重开季度须写明原因",
                "reopening a quarter needs a reason",
            ));
        }
        let actor = self.actor();
        let user_id = self.user.id;
        let label = q.label();
        let today = self.today().to_string();
        let wanted = input
            .organisation
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string);
        self.store.write(&actor, "quarter.reopen", |tx| {
            let in_force = figures::closings_in_force(tx, &label)?;
            let chosen: Vec<&figures::ClosedQuarter> = in_force
                .iter()
                .filter(|c| wanted.as_ref().is_none_or(|w| &c.organisation == w))
                .collect();
            let c = match chosen.as_slice() {
                [c] => *c,
                [] => {
                    return Err(surety_store::StoreError::Rule(surety_domain::Violation::new(
                        Rule::RReport1,
                        "quarter",
                        format!("{} 未关闭，无需重开", q.label_zh()),
                        format!("{label} is not closed: there is nothing to reopen"),
                    )))
                }
                several => {
                    let codes: Vec<&str> = several.iter().map(|c| c.organisation.as_str()).collect();
                    return Err(surety_store::StoreError::invalid(
                        "organisation",
                        format!("{} 有几家保险公司分别关闭（{}）：请指明重开哪一家", q.label_zh(), codes.join("、")),
                        format!("{label} is closed by several insurers ({}): say whose closing to reopen", codes.join(", ")),
                    ));
                }
            };
            figures::reopen(tx, &label, c.revision, &today, user_id, &reason)?;
            let (_, whose_en) = whose(&c.organisation);
            Ok((
                (),
                AuditNote::new(
                    "quarter",
                    &label,
                    format!(
                        "R-REPORT-1 reopened {label} ({whose_en}) revision {}: {reason}",
                        c.revision
                    ),
                ),
            ))
        })?;
        self.quarter_report(crate::reporting::quarter::report::ReportScope {
            quarter: q,
            city: None,
        })
    }

    /// The lines a reader may see: all for admins and auditors; for an insurer's or a bank's
    /// staff their own organisation's lines, everyone else's as one total line per table
    /// (so the totals stay the installation's).
    pub(crate) fn for_reader(&self, mut r: QuarterReport) -> DeskResult<QuarterReport> {
        if matches!(self.user.role, Role::Admin | Role::Auditor) {
            return Ok(r);
        }
        let own = self.own_organisation()?.map(|o| o.code).unwrap_or_default();
        let partner_ids = self.partners()?.unwrap_or_default();
        let partners: std::collections::BTreeSet<String> =
            surety_store::orgs::list_orgs(self.store.connection())?
                .into_iter()
                .filter(|o| partner_ids.contains(&o.id))
                .map(|o| o.code)
                .collect();

        let (mine, others): (Vec<BusinessLine>, Vec<BusinessLine>) = r
            .business
            .into_iter()
            .partition(|l| !own.is_empty() && (l.insurer == own || l.bank == own));
        r.business = mine;
        if !others.is_empty() {
            let mut total = others[0].clone();
            others[1..].iter().for_each(|l| total.add(l));
            total.city = String::new();
            total.insurer = String::new();
            total.bank = String::new();
            total.insurer_name = "其他机构合计 / other parties (total)".into();
            total.bank_name = String::new();
            r.business.push(total);
        }

        let (mine, others): (Vec<QuarterNpl>, Vec<QuarterNpl>) =
            r.npl.into_iter().partition(|l| partners.contains(&l.bank));
        r.npl = mine;
        if !others.is_empty() {
            r.npl.push(self.merged_npl(&others));
        }

        let (mine, others): (Vec<QuarterLossRatio>, Vec<QuarterLossRatio>) = r
            .loss_ratios
            .into_iter()
            .partition(|l| partners.contains(&l.insurer));
        r.loss_ratios = mine;
        if !others.is_empty() {
            let premiums: Money = others.iter().map(|l| l.premiums_received.value()).sum();
            let claims: Money = others.iter().map(|l| l.claims_paid.value()).sum();
            r.loss_ratios.push(QuarterLossRatio {
                city: String::new(),
                insurer: String::new(),
                insurer_name: crate::reporting::loss_ratios::OTHER_INSURERS.into(),
                year_start: String::new(),
                year_end: String::new(),
                premiums_received: premiums.into(),
                claims_paid: claims.into(),
                loss_ratio: LossRatio::new(claims, premiums).percent(),
                stop_line_percent: String::new(),
                stopped: false,
                stopped_on: None,
                compensation_due: Money::ZERO.into(),
                compensation_paid: Money::ZERO.into(),
            });
        }
        Ok(r.with_totals())
    }

    fn merged_npl(&self, lines: &[QuarterNpl]) -> QuarterNpl {
        let sum =
            |f: fn(&QuarterNpl) -> &Amount| -> Money { lines.iter().map(|l| f(l).value()).sum() };
        let balance = sum(|l| &l.balance);
        let npl = sum(|l| &l.npl_balance);
        let ratio = (!balance.is_zero()).then(|| npl.as_decimal() / balance.as_decimal());
        QuarterNpl {
            city: String::new(),
            bank: String::new(),
            bank_name: crate::reporting::dashboard::OTHER_BANKS.into(),
            loans: lines.iter().map(|l| l.loans).sum(),
            balance: balance.into(),
            normal: sum(|l| &l.normal).into(),
            special_mention: sum(|l| &l.special_mention).into(),
            substandard: sum(|l| &l.substandard).into(),
            doubtful: sum(|l| &l.doubtful).into(),
            loss: sum(|l| &l.loss).into(),
            npl_balance: npl.into(),
            npl_ratio: ratio.map(surety_domain::money::percent_2dp),
            exempt: ratio.is_none_or(|r| r <= self.settings.npl.exemption_ratio),
        }
    }
}
