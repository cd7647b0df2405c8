use super::plan::*;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::Desk;
use crate::exchange::bundle::ImportLine;
use crate::exchange::site_visits::{self, SiteVisit, SECTION};
use surety_domain::process::{self, Party, Step};
use surety_store::bundles::{self as stored, TakenEvent};
use surety_store::revisions::{self, Revision, Waiting};
use surety_store::sections::{self, CaseRecord};
use surety_store::AuditNote;

impl Desk {
    /// The case an incoming revision is about, as this installation holds it.
    pub(crate) fn revision_case(
        &self,
        from: &str,
        part: &RevisionPart,
    ) -> DeskResult<Option<CaseRecord>> {
        let conn = self.store.connection();
        let on_laptop = crate::origination::numbering::field_prefix(conn)?.is_some();
        let partner = !self.partner_orgs(from)?.is_empty();
        if partner {
            // Partner offices know a case by the same number (or the laptop's number).
            return Ok(match revisions::case_by_shared_key(conn, &part.case_key)? {
                Some(no) => sections::case_by_no(conn, &no)?,
                None => None,
            });
        }
        let origin = (!on_laptop).then_some(from);
        Ok(
            match revisions::case_by_key(conn, origin, &part.case_key)? {
                Some(no) => sections::case_by_no(conn, &no)?,
                None => None,
            },
        )
    }

    /// Whether the sender may speak for the party that wrote the revision: the office
    /// never takes a laptop's change to a section its agent does not own (or no longer
    /// owns, once a side has decided), and a laptop takes the office's sides' changes.
    pub(crate) fn owner_check(
        &self,
        from: &str,
        case: &CaseRecord,
        part: &RevisionPart,
    ) -> DeskResult<()> {
        let conn = self.store.connection();
        let on_laptop = crate::origination::numbering::field_prefix(conn)?.is_some();
        let party = site_visits::parse_party(&part.party).ok_or_else(|| {
            merge_error(
                format!("未知的一方“{}”", part.party),
                format!("unknown party `{}`", part.party),
            )
        })?;
        if on_laptop {
            // The office speaks for its sides, and for this laptop's agent where the agent
            // wrote at the office.
            if party == Party::FieldAgent {
                let agent = case.created_by.and_then(|id| {
                    surety_store::users::list(conn)
                        .ok()?
                        .into_iter()
                        .find(|u| u.id == id)
                });
                if agent.is_none_or(|a| a.username != part.author) {
                    return Err(merge_error(
                        format!("实地走访记录只能由受理本申请的外勤人员修改（而非“{}”）", part.author),
                        format!("only the agent who took the application writes as field agent (not `{}`)", part.author),
                    ));
                }
            }
            return Ok(());
        }
        let partner = self.partner_orgs(from)?;
        if !partner.is_empty() {
            // A partner office relays the agent's findings, and speaks for its own sides.
            let side = match party {
                Party::Bank => Some(surety_domain::Side::Bank),
                Party::Insurer => Some(surety_domain::Side::Insurer),
                Party::FieldAgent => None,
            };
            if let Some(side) = side {
                let id = match side {
                    surety_domain::Side::Bank => case.bank_id,
                    surety_domain::Side::Insurer => case.insurer_id,
                };
                let code = id
                    .map(|id| surety_store::orgs::org_by_id(conn, id))
                    .transpose()?
                    .flatten()
                    .map(|o| o.code)
                    .unwrap_or_default();
                if !partner.contains(&code) {
                    return Err(merge_error(
                        format!("对方未登记为代表“{code}”：此修改未被采纳"),
                        format!("the sender is not registered to speak for `{code}`: the change was not taken"),
                    ));
                }
                return Ok(());
            }
            return process::check(Step::Visit, &self.facts(case)?, Party::FieldAgent).map_err(
                |v| {
                    merge_error(
                        format!("外勤人员的修改未被采纳：{}", v.message_zh),
                        format!("the agent's change was not taken: {}", v.message_en),
                    )
                },
            );
        }
        // At the office: a laptop speaks for its agent alone.
        if party != Party::FieldAgent {
            return Err(merge_error(
                format!(
                    "外勤笔记本不能代{}修改案件：此修改未被采纳",
                    party.name_zh()
                ),
                format!(
                    "a field laptop cannot write for the {}: the change was not taken",
                    party.name_en()
                ),
            ));
        }
        let agent = surety_store::users::by_username(conn, &part.author)?;
        if agent.is_none_or(|a| Some(a.id) != case.created_by) {
            return Err(merge_error(
                format!("“{}”不是受理本申请的外勤人员：此修改未被采纳", part.author),
                format!(
                    "`{}` is not the agent who took this application: the change was not taken",
                    part.author
                ),
            ));
        }
        process::check(Step::Visit, &self.facts(case)?, Party::FieldAgent).map_err(|v| {
            merge_error(
                format!("外勤人员的修改未被采纳：{}", v.message_zh),
                format!("the agent's change was not taken: {}", v.message_en),
            )
        })
    }

    /// What an incoming revision would do, without writing anything (the preview).
    pub(crate) fn preview_revision(
        &self,
        from: &str,
        event_id: &str,
        sha256: &str,
        part: &RevisionPart,
    ) -> DeskResult<Merge> {
        Ok(self.judge(from, event_id, sha256, part)?.1)
    }

    /// The case an incoming revision is about and what becomes of it: ownership, the
    /// content's checks, then its place among this installation's revisions.
    pub(crate) fn judge(
        &self,
        from: &str,
        event_id: &str,
        sha256: &str,
        part: &RevisionPart,
    ) -> DeskResult<(Option<CaseRecord>, Merge)> {
        let Some(case) = self.revision_case(from, part)? else {
            return Ok((None, Merge::Wait(format!("case {}", part.case_key))));
        };
        if let Err(e) = self
            .owner_check(from, &case, part)
            .and_then(|()| self.content_check(&case, part))
        {
            return Ok((Some(case), Merge::Refuse(e)));
        }
        let merge = plan(self.store.connection(), case.id, event_id, sha256, part)?;
        Ok((Some(case), merge))
    }

    /// Checks and takes in one revision from a bundle: one transaction and one audit
    /// entry if taken or in conflict; a refusal or a wait is kept as bookkeeping.
    pub(crate) fn take_revision(
        &mut self,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        part: &RevisionPart,
    ) -> DeskResult<ImportLine> {
        let line = |merge: &Merge, case_no: Option<String>| {
            let (zh, en) = match merge {
                Merge::Refuse(e) => (Some(e.message_zh.clone()), Some(e.message_en.clone())),
                Merge::Wait(what) => (
                    Some(format!("等待先到达的内容：{what}")),
                    Some(format!("waiting for what it builds on: {what}")),
                ),
                Merge::Conflict { .. } => (
                    Some("双方都修改了实地走访记录：两个版本均已保留，待本方人员处理".into()),
                    Some("both sides changed the site visit: both versions are kept for a person to resolve".into()),
                ),
                _ => (None, None),
            };
            ImportLine {
                provisional_no: part.case_key.clone(),
                section: part.section.clone(),
                outcome: merge.outcome().into(),
                case_no,
                reason_zh: zh,
                reason_en: en,
                files: 0,
            }
        };
        let (case, merge) = self.judge(from, event_id, sha256, part)?;
        let Some(case) = case else {
            self.wait(from, bundle_id, event_id, sha256, part, &merge)?;
            return Ok(line(&merge, None));
        };
        match &merge {
            Merge::Refuse(_) => {
                self.remember(from, bundle_id, event_id, sha256, &merge, &case.case_no)?;
                return Ok(line(&merge, Some(case.case_no)));
            }
            Merge::Wait(_) => {
                self.wait(from, bundle_id, event_id, sha256, part, &merge)?;
                return Ok(line(&merge, Some(case.case_no)));
            }
            _ => {}
        }
        let revision = Revision {
            event_id: event_id.to_string(),
            case_id: case.id,
            section: part.section.clone(),
            base: part.base.clone(),
            merged: part.merged.clone(),
            content_json: serde_json::to_string(&part.content).expect("json"),
            sha256: sha256.to_string(),
            party: part.party.clone(),
            author: part.author.clone(),
            installation: part.installation.clone(),
            written_at: part.written_at.clone(),
            bundle_id: Some(bundle_id.to_string()),
        };
        let at = crate::desk::ids::now();
        let actor = self.actor();
        let case_no = case.case_no.clone();
        let merge = self.store.write(&actor, "case.site_visit_merged", |tx| {
            // Decided again on the head as it is inside this transaction.
            let merge = plan(tx, case.id, event_id, sha256, part)?;
            let summary = match &merge {
                Merge::Apply => "taken",
                Merge::Conflict { .. } => "in conflict with this installation's revision: both kept",
                Merge::Same => "the same as this installation's",
                Merge::Wait(_) | Merge::Refuse(_) => {
                    return Err(surety_store::StoreError::invalid(
                        "section",
                        "实地走访记录刚被修改，请重新导入",
                        "the site visit changed meanwhile: import again",
                    ))
                }
            };
            revisions::insert(tx, &revision)?;
            stored::mark_event_sent(tx, event_id, from, bundle_id, &at)?;
            match &merge {
                Merge::Apply => {
                    revisions::set_head(tx, case.id, SECTION, event_id)?;
                    // A resolution made on the other side settles the conflict here too.
                    if let Some(k) = revisions::open_conflict(tx, case.id, SECTION)? {
                        if revisions::descends_from(tx, event_id, &k.ours)?
                            && revisions::descends_from(tx, event_id, &k.theirs)?
                        {
                            let by = format!("{} @ {}", part.author, part.installation);
                            revisions::resolve_conflict(tx, k.id, &by, event_id, &at)?;
                        }
                    }
                }
                Merge::Conflict { ours } => {
                    revisions::open_or_update_conflict(tx, case.id, SECTION, ours, event_id, &at)?;
                }
                _ => {}
            }
            stored::record_event(
                tx,
                &TakenEvent {
                    event_id,
                    sha256,
                    bundle_id,
                    from_installation: from,
                    applied_at: &at,
                    outcome: merge.outcome(),
                    case_no: Some(&case_no),
                },
            )?;
            Ok((
                merge,
                AuditNote::new(
                    "case",
                    &case_no,
                    format!(
                        "site visit by {} ({}) written at installation {} on {} (bundle {bundle_id}): {summary}",
                        part.author, part.party, part.installation, part.written_at
                    ),
                ),
            ))
        })?;
        Ok(line(&merge, Some(case.case_no)))
    }

    /// An incoming site visit is checked as a form would be (a day's grace for the
    /// sender's clock).
    pub(crate) fn content_check(&self, case: &CaseRecord, part: &RevisionPart) -> DeskResult<()> {
        if part.section != SECTION {
            return Err(DeskError::invalid(
                "section",
                format!("未知的案件部分“{}”", part.section),
                format!("unknown section `{}`", part.section),
            ));
        }
        let visit: SiteVisit = serde_json::from_value(part.content.clone()).map_err(|e| {
            DeskError::invalid(
                "content",
                format!("实地走访记录无法读取：{}", crate::desk::error::FORM_ZH),
                format!("the site visit cannot be read: {e}"),
            )
        })?;
        let checked = visit.clone().checked(
            case.application_date,
            self.today() + chrono::Duration::days(1),
        )?;
        if checked != visit {
            return Err(DeskError::invalid(
                "content",
                "实地走访记录的内容不规范（未经检查的文本）",
                "the site visit's text is not in its checked form",
            ));
        }
        Ok(())
    }

    pub(crate) fn wait(
        &mut self,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        part: &RevisionPart,
        merge: &Merge,
    ) -> DeskResult<()> {
        let Merge::Wait(what) = merge else {
            return Ok(());
        };
        let part_json = serde_json::to_string(part).expect("json");
        self.park(SECTION, from, bundle_id, event_id, sha256, part_json, what)
    }

    pub(crate) fn remember(
        &mut self,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        merge: &Merge,
        case_no: &str,
    ) -> DeskResult<()> {
        let outcome = match merge {
            Merge::Refuse(e) => format!("refused: {}", e.message_en),
            other => other.outcome().to_string(),
        };
        self.remember_outcome(from, bundle_id, event_id, sha256, &outcome, Some(case_no))
    }

    /// Puts an event in the backlog until what it builds on arrives (bookkeeping).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn park(
        &mut self,
        section: &str,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        part_json: String,
        what: &str,
    ) -> DeskResult<()> {
        let w = Waiting {
            section: section.into(),
            event_id: event_id.into(),
            sha256: sha256.into(),
            bundle_id: bundle_id.into(),
            from_installation: from.into(),
            part_json,
            waiting_for: what.into(),
            since: crate::desk::ids::now(),
        };
        self.store.write_bookkeeping(|tx| revisions::wait(tx, &w))?;
        Ok(())
    }

    /// Remembers what became of an event that changed nothing (a refusal), so that the
    /// same bundle again says so instead of trying again.
    pub(crate) fn remember_outcome(
        &mut self,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        outcome: &str,
        case_no: Option<&str>,
    ) -> DeskResult<()> {
        let at = crate::desk::ids::now();
        self.store.write_bookkeeping(|tx| {
            revisions::unwait(tx, event_id)?;
            stored::record_event(
                tx,
                &TakenEvent {
                    event_id,
                    sha256,
                    bundle_id,
                    from_installation: from,
                    applied_at: &at,
                    outcome,
                    case_no,
                },
            )
        })?;
        Ok(())
    }

    /// Tries the backlog again until nothing more moves; returns what moved.
    pub(crate) fn retry_backlog(&mut self) -> DeskResult<Vec<ImportLine>> {
        let mut moved = Vec::new();
        loop {
            let mut progress = false;
            for w in revisions::backlog(self.store.connection())? {
                let corrupt = |e: serde_json::Error| {
                    surety_store::StoreError::Corrupt(format!(
                        "section_backlog {}: {e}",
                        w.event_id
                    ))
                };
                let line = if w.section == crate::exchange::partners::STEP {
                    let part: crate::exchange::partners::StepPart =
                        serde_json::from_str(&w.part_json).map_err(corrupt)?;
                    self.take_partner_step(
                        &w.from_installation,
                        &w.bundle_id,
                        &w.event_id,
                        &w.sha256,
                        &part,
                    )?
                } else {
                    let part: RevisionPart = serde_json::from_str(&w.part_json).map_err(corrupt)?;
                    self.take_revision(
                        &w.from_installation,
                        &w.bundle_id,
                        &w.event_id,
                        &w.sha256,
                        &part,
                    )?
                };
                if line.outcome != "waiting" {
                    self.store
                        .write_bookkeeping(|tx| revisions::unwait(tx, &w.event_id))?;
                    moved.push(line);
                    progress = true;
                }
            }
            if !progress {
                return Ok(moved);
            }
        }
    }
}
