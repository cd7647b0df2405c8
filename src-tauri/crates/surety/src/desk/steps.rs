//! Where a `Desk` step meets the process model: the case's facts read from the store, the
//! party the user acts for, and the one `process::check` every step calls before writing.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::Desk;
use surety_domain::process::{self, CaseFacts, Document, Party, PremiumLine, Step};
use surety_domain::Side;
use surety_store::sections::{self, CaseRecord};
use surety_store::{AuditNote, Role};

impl Desk {
    /// What the process needs to know about the case, as stored now.
    pub(crate) fn facts(&self, case: &CaseRecord) -> DeskResult<CaseFacts> {
        let conn = self.store.connection();
        let accident_due = !case.quote.accident_premium.is_zero();
        Ok(CaseFacts {
            status: case.status,
            investigated: sections::investigations(conn, case.id)?
                .into_iter()
                .map(|i| i.side)
                .collect(),
            reviewed: !sections::review_notes(conn, case.id)?.is_empty(),
            decisions: sections::decisions(conn, case.id)?
                .into_iter()
                .map(|d| (d.side, d.approve))
                .collect(),
            needs_exception: self.needs_exception(case),
            exceptions: sections::exceptions(conn, case.id)?
                .into_iter()
                .map(|e| e.side)
                .collect(),
            signed: sections::contracts(conn, case.id)?
                .iter()
                .filter_map(|c| Document::parse(&c.doc_kind))
                .collect(),
            premiums: sections::premiums(conn, case.id)?
                .iter()
                .filter_map(|p| PremiumLine::parse(&p.line))
                .collect(),
            accident_premium_due: accident_due,
            withdrawal_consents: surety_store::withdrawals::consents(conn, case.id)?
                .into_iter()
                .map(|c| c.side)
                .collect(),
        })
    }

    /// The party the user acts for on this case: its bank's officer, its insurer's
    /// underwriter, or the field agent who took it in. Anyone else acts for none.
    pub(crate) fn party_on(&self, case: &CaseRecord) -> Option<Party> {
        match self.user.role {
            Role::FieldAgent => {
                (case.created_by == Some(self.user.id)).then_some(Party::FieldAgent)
            }
            _ => self.side_on(case, "", "").ok().map(Party::from),
        }
    }

    /// The one check before a step writes: the user acts for a party of the case, and the
    /// process allows that party this step now (`surety_domain::process::check`).
    pub(crate) fn check_step(&self, case: &CaseRecord, step: Step) -> DeskResult<Party> {
        let party = self.party_on(case).ok_or_else(|| {
            DeskError::not_permitted(
                format!(
                    "{}不是本案件保险公司或银行的经办人，无权{}",
                    self.user.display_name,
                    step.name_zh()
                ),
                format!(
                    "{} does not act for this case's insurer or bank and may not {}",
                    self.user.username,
                    step.name_en()
                ),
            )
        })?;
        process::check(step, &self.facts(case)?, party).map_err(|v| {
            let mut e = DeskError::from(v);
            e.message_zh = format!("案件 {}：{}", case.case_no, e.message_zh);
            e.message_en = format!("case {}: {}", case.case_no, e.message_en);
            e
        })?;
        Ok(party)
    }

    /// `check_step` for the steps only the bank or the insurer take.
    pub(crate) fn check_side_step(&self, case: &CaseRecord, step: Step) -> DeskResult<Side> {
        match self.check_step(case, step)? {
            Party::Bank => Ok(Side::Bank),
            Party::Insurer => Ok(Side::Insurer),
            Party::FieldAgent => Err(DeskError::not_permitted(
                format!("外勤人员不能{}", step.name_zh()),
                format!("a field agent may not {}", step.name_en()),
            )),
        }
    }

    /// The steps the user can take on the case now (the case page's buttons, the to-do).
    pub(crate) fn next_steps(&self, case: &CaseRecord) -> DeskResult<Vec<Step>> {
        Ok(match self.party_on(case) {
            Some(party) => process::next_steps(&self.facts(case)?, party),
            None => Vec::new(),
        })
    }
}

/// A step's write answers nothing but its entry on the case's audit record: what happened.
pub(crate) fn case_note(case_no: impl ToString, summary: impl Into<String>) -> ((), AuditNote) {
    ((), AuditNote::new("case", case_no, summary))
}
