use super::plan::*;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use crate::exchange::site_visits::{self, SiteVisit, SiteVisitView};
use surety_domain::process::Step;
use surety_store::revisions::{self, Revision};
use surety_store::sections::{self, CaseRecord};

impl Desk {
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

    pub(crate) fn conflict_view(
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
                        crate::desk::text::shown(other)
                    ),
                    format!(
                        "keep `{}` is not one of ours, theirs, edited",
                        crate::desk::text::shown(other)
                    ),
                ))
            }
        };
        let content_json = site_visits::canonical(&visit);
        let me = surety_store::store::meta_value(conn, "installation_id")?.unwrap_or_default();
        let mut revision = Revision {
            event_id: crate::desk::ids::random_id(),
            case_id: case.id,
            section: k.section.clone(),
            base: k.ours.clone(),
            merged: k.theirs.clone(),
            sha256: String::new(),
            content_json,
            party: site_visits::party_code(party).into(),
            author: self.user.username.clone(),
            installation: me,
            written_at: crate::desk::ids::now(),
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
            Ok(case_note(
                &k.case_no,
                format!(
                    "site visit conflict {} resolved: kept {} (revision {})",
                    k.id, input.keep, revision.event_id
                ),
            ))
        })?;
        let k = revisions::conflict_by_id(self.store.connection(), k.id)?.expect("just resolved");
        self.conflict_view(&k, &case)
    }
}
