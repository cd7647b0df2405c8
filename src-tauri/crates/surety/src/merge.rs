//! Issue 16: merge by ownership — a section revision that arrives in a bundle is taken
//! only from a party that owns the section (the process model's `Section::owner`: a
//! laptop speaks for its agent alone, so the office never takes a laptop's word on
//! anything the agent does not own), and only on top of the revision it was made from.
//! A section changed on both sides since then is a conflict: both revisions are kept, a
//! person of the owning side resolves it; nothing is last-write-wins. A revision whose
//! case or base has not arrived yet waits in the backlog and is tried again after every
//! import.

use crate::bundles::ImportLine;
use crate::desk::Desk;
use crate::error::{DeskError, DeskResult};
use crate::site_visits::{self, SiteVisit, SiteVisitView, SECTION};
use serde::{Deserialize, Serialize};
use surety_domain::process::{self, Party, Step};
use surety_store::bundles::{self as stored, TakenEvent};
use surety_store::revisions::{self, Revision, Waiting};
use surety_store::sections::{self, CaseRecord};
use surety_store::AuditNote;

/// One revision as it travels.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RevisionPart {
    /// The laptop's provisional number: the key both installations know the case by.
    pub case_key: String,
    pub section: String,
    pub base: String,
    pub merged: String,
    pub content: serde_json::Value,
    pub party: String,
    pub author: String,
    pub installation: String,
    pub written_at: String,
}

impl RevisionPart {
    /// The bytes a bundle carries: a struct of fixed field order around a content whose
    /// keys are sorted, so that both installations hash a revision alike.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a revision serializes")
    }

    /// A revision's identity hash (`section_revisions.sha256`, the event's hash).
    pub(crate) fn sha256(&self) -> String {
        surety_bundle::sha256_hex(&self.bytes())
    }

    pub(crate) fn of(r: &Revision, case_key: String) -> RevisionPart {
        RevisionPart {
            case_key,
            section: r.section.clone(),
            base: r.base.clone(),
            merged: r.merged.clone(),
            content: serde_json::from_str(&r.content_json).unwrap_or(serde_json::Value::Null),
            party: r.party.clone(),
            author: r.author.clone(),
            installation: r.installation.clone(),
            written_at: r.written_at.clone(),
        }
    }
}

/// What becomes of an incoming revision.
#[derive(Debug, Clone)]
pub(crate) enum Merge {
    /// On top of what this installation holds: it becomes the section's content.
    Apply,
    /// The same content this installation already holds (both sides wrote the same).
    Same,
    /// Both sides changed the section since the revision it was made on.
    Conflict {
        ours: String,
    },
    /// Its case or its base has not arrived yet.
    Wait(String),
    Refuse(DeskError),
}

impl Merge {
    pub(crate) fn outcome(&self) -> &'static str {
        match self {
            Merge::Apply | Merge::Same => "taken",
            Merge::Conflict { .. } => "conflict",
            Merge::Wait(_) => "waiting",
            Merge::Refuse(_) => "refused",
        }
    }
}

/// A conflict as the review list shows it: both versions side by side.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConflictView {
    pub id: i64,
    pub case_no: String,
    pub section: String,
    pub ours: SiteVisitView,
    pub theirs: SiteVisitView,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// Whether the signed-in user is of the side that owns the section now.
    pub may_resolve: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    pub id: i64,
    /// ours, theirs, or edited (then `edited` is the content to keep).
    pub keep: String,
    #[serde(default)]
    pub edited: Option<SiteVisit>,
}

/// A revision waiting in the backlog.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WaitingView {
    pub case_key: String,
    pub section: String,
    pub from_installation: String,
    pub waiting_for: String,
    pub since: String,
}

/// What an incoming revision would do here: read-only, for the preview, and again inside
/// the applying transaction on the head as it is then.
pub(crate) fn plan(
    conn: &surety_store::Connection,
    case_id: i64,
    event_id: &str,
    sha256: &str,
    part: &RevisionPart,
) -> surety_store::StoreResult<Merge> {
    let known = |id: &str| -> surety_store::StoreResult<bool> {
        Ok(id.is_empty() || revisions::by_id(conn, id)?.is_some())
    };
    let Some(head) = revisions::head(conn, case_id, SECTION)? else {
        return Ok(if known(&part.base)? {
            Merge::Apply
        } else {
            Merge::Wait(format!("revision {}", part.base))
        });
    };
    if head.event_id == part.base || (!part.merged.is_empty() && head.event_id == part.merged) {
        return Ok(Merge::Apply);
    }
    if revisions::descends_from(conn, &head.event_id, event_id)? {
        return Ok(Merge::Same);
    }
    if !known(&part.base)? {
        return Ok(Merge::Wait(format!("revision {}", part.base)));
    }
    if head.sha256 == sha256 {
        return Ok(Merge::Same);
    }
    Ok(Merge::Conflict {
        ours: head.event_id,
    })
}

fn merge_error(zh: String, en: String) -> DeskError {
    DeskError::new("NOT_PERMITTED", Some("section"), zh, en)
}

impl Desk {
    /// The case an incoming revision is about, as this installation holds it.
    fn revision_case(&self, from: &str, part: &RevisionPart) -> DeskResult<Option<CaseRecord>> {
        let conn = self.store.connection();
        let on_laptop = crate::field::field_prefix(conn)?.is_some();
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
    fn owner_check(&self, from: &str, case: &CaseRecord, part: &RevisionPart) -> DeskResult<()> {
        let conn = self.store.connection();
        let on_laptop = crate::field::field_prefix(conn)?.is_some();
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
    fn judge(
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
        let at = crate::bundles::now();
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
    fn content_check(&self, case: &CaseRecord, part: &RevisionPart) -> DeskResult<()> {
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
                format!("实地走访记录无法读取：{e}"),
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

    fn wait(
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

    fn remember(
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
            since: crate::bundles::now(),
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
        let at = crate::bundles::now();
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
                let line = if w.section == crate::partners::STEP {
                    let part: crate::partners::StepPart =
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

    /// The backlog: revisions and steps waiting for their case or base. Admins (who take
    /// bundles in) see all; others only what concerns cases they may read.
    pub fn backlog(&self) -> DeskResult<Vec<WaitingView>> {
        self.require_role(
            &[
                surety_store::Role::Admin,
                surety_store::Role::BankOfficer,
                surety_store::Role::Underwriter,
                surety_store::Role::FieldAgent,
            ],
            "查看待处理的数据包内容",
            "see the bundle backlog",
        )?;
        let conn = self.store.connection();
        let admin = self.user.role == surety_store::Role::Admin;
        let mut out = Vec::new();
        for w in revisions::backlog(conn)? {
            let part: serde_json::Value = serde_json::from_str(&w.part_json).unwrap_or_default();
            let key = part
                .get("case_key")
                .or_else(|| part.get("case_no"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            if !admin {
                let case = match revisions::case_by_shared_key(conn, &key)? {
                    Some(no) => sections::case_by_no(conn, &no)?,
                    None => None,
                };
                if !case.is_some_and(|c| self.may_read(&c)) {
                    continue;
                }
            }
            out.push(WaitingView {
                case_key: key,
                section: w.section,
                from_installation: w.from_installation,
                waiting_for: w.waiting_for,
                since: w.since,
            });
        }
        Ok(out)
    }

    /// The conflict review list: open conflicts (and resolved ones with `all`) on cases
    /// the user may read.
    pub fn conflicts(&self, all: bool) -> DeskResult<Vec<ConflictView>> {
        let conn = self.store.connection();
        let mut out = Vec::new();
        for k in revisions::conflicts(conn, all)? {
            let Some(case) = sections::case_by_no(conn, &k.case_no)? else {
                continue;
            };
            if !self.may_read(&case) {
                continue;
            }
            out.push(self.conflict_view(&k, &case)?);
        }
        Ok(out)
    }

    fn conflict_view(
        &self,
        k: &revisions::Conflict,
        case: &CaseRecord,
    ) -> DeskResult<ConflictView> {
        let conn = self.store.connection();
        let rev = |id: &str| -> DeskResult<SiteVisitView> {
            let r = revisions::by_id(conn, id)?.ok_or_else(|| {
                surety_store::StoreError::Corrupt(format!("section_conflicts {}: no {id}", k.id))
            })?;
            self.site_visit_view(&r)
        };
        Ok(ConflictView {
            id: k.id,
            case_no: k.case_no.clone(),
            section: k.section.clone(),
            ours: rev(&k.ours)?,
            theirs: rev(&k.theirs)?,
            opened_at: k.opened_at.clone(),
            resolved_at: k.resolved_at.clone(),
            resolved_by: k.resolved_by.clone(),
            may_resolve: k.resolved_at.is_none() && self.check_step(case, Step::Visit).is_ok(),
        })
    }

    /// A person of the owning side resolves a conflict: this installation's version, the
    /// other's, or an edited one becomes a new revision that settles both (it goes back to
    /// the other side in the next bundle and applies there on top of its own).
    pub fn resolve_conflict(&mut self, input: &ResolveInput) -> DeskResult<ConflictView> {
        let conn = self.store.connection();
        let k = revisions::conflict_by_id(conn, input.id)?
            .ok_or_else(|| DeskError::not_found("数据冲突", "conflict", &input.id.to_string()))?;
        let case = self.case(&k.case_no)?;
        let party = self.check_step(&case, Step::Visit)?;
        if k.resolved_at.is_some() {
            return Err(DeskError::invalid(
                "id",
                "该冲突已处理",
                "this conflict is already resolved",
            ));
        }
        let pick = |id: &str| -> DeskResult<SiteVisit> {
            let r = revisions::by_id(conn, id)?.ok_or_else(|| {
                surety_store::StoreError::Corrupt(format!("section_conflicts {}: no {id}", k.id))
            })?;
            Ok(serde_json::from_str(&r.content_json).map_err(|e| {
                surety_store::StoreError::Corrupt(format!("section_revisions {id}: {e}"))
            })?)
        };
        let visit = match input.keep.as_str() {
            "ours" => pick(&k.ours)?,
            "theirs" => pick(&k.theirs)?,
            "edited" => input
                .edited
                .clone()
                .ok_or_else(|| {
                    DeskError::invalid(
                        "edited",
                        "选择“修改后保存”时须给出修改后的内容",
                        "keep `edited` needs the edited content",
                    )
                })?
                .checked(case.application_date, self.today())?,
            other => {
                return Err(DeskError::invalid(
                    "keep",
                    format!(
                        "“{}”无效：可选 ours（本机版本）、theirs（对方版本）、edited（修改后保存）",
                        crate::text::shown(other)
                    ),
                    format!(
                        "keep `{}` is not one of ours, theirs, edited",
                        crate::text::shown(other)
                    ),
                ))
            }
        };
        let content_json = site_visits::canonical(&visit);
        let me = surety_store::store::meta_value(conn, "installation_id")?.unwrap_or_default();
        let mut revision = Revision {
            event_id: crate::bundles::random_id(),
            case_id: case.id,
            section: k.section.clone(),
            base: k.ours.clone(),
            merged: k.theirs.clone(),
            sha256: String::new(),
            content_json,
            party: site_visits::party_code(party).into(),
            author: self.user.username.clone(),
            installation: me,
            written_at: crate::bundles::now(),
            bundle_id: None,
        };
        revision.sha256 = self.revision_hash(&revision)?;
        let (actor, by) = (self.actor(), self.user.username.clone());
        let at = revision.written_at.clone();
        self.store.write(&actor, "case.conflict_resolved", |tx| {
            let still = revisions::conflict_by_id(tx, k.id)?;
            let head = revisions::head(tx, case.id, &k.section)?.map(|h| h.event_id);
            if still
                .is_none_or(|s| s.resolved_at.is_some() || s.ours != k.ours || s.theirs != k.theirs)
                || head.as_deref() != Some(k.ours.as_str())
            {
                return Err(surety_store::StoreError::invalid(
                    "id",
                    "该冲突已被他人处理或有了新版本，请刷新后重试",
                    "the conflict was resolved or moved on meanwhile: reload and try again",
                ));
            }
            revisions::insert(tx, &revision)?;
            revisions::set_head(tx, case.id, &k.section, &revision.event_id)?;
            revisions::resolve_conflict(tx, k.id, &by, &revision.event_id, &at)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &k.case_no,
                    format!(
                        "site visit conflict {} resolved: kept {} (revision {})",
                        k.id, input.keep, revision.event_id
                    ),
                ),
            ))
        })?;
        let k = revisions::conflict_by_id(self.store.connection(), k.id)?.expect("just resolved");
        self.conflict_view(&k, &case)
    }
}
