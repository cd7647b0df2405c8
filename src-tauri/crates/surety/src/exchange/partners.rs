//! Cases shared between partner offices — the bank's installation and the
//! insurer's — by bundles. A case travels once as its intake (replayed by the receiver's
//! own intake, which keeps the case number the case was given), and each side's sections
//! before the money (investigation, joint-review note, amount exception, decision) travel
//! from that side's installation to the other, replayed there by the same steps, with the
//! same checks and state changes, in the name of the person who took them (known there as
//! a remote user of the sending installation, who cannot sign in). A peer speaks only for
//! the organisations it is registered with: a section of any other party is refused. A
//! step that cannot be taken yet — its case, or the step it follows, has not arrived —
//! waits in the backlog and is tried again after every import.

use crate::case_file::views::CaseView;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use crate::exchange::bundle::{FilePart, ImportLine};
use crate::origination::inputs::{DecisionInput, FindingsInput, InvestigationInput, NoteInput};
use serde::{Deserialize, Serialize};
use surety_domain::Side;
use surety_store::bundles::{self as stored, TakenEvent};
use surety_store::sections::{self, CaseRecord};
use surety_store::{partners, Role};

/// A case as a partner office receives it: its intake as entered, its number, its files.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CasePart {
    pub case_no: String,
    pub provisional_no: Option<String>,
    pub origin: Option<String>,
    pub agent: String,
    pub agent_name: String,
    pub agent_role: String,
    pub input: serde_json::Value,
    pub files: Vec<FilePart>,
}

/// One side's step on a case, as the partner replays it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepPart {
    pub case_no: String,
    /// investigate, review, exception or decide.
    pub step: String,
    pub side: String,
    pub author: String,
    pub author_name: String,
    /// The day it was taken (the replay is dated by it).
    pub on: String,
    pub content: serde_json::Value,
}

pub(crate) const CASE: &str = "case";
pub(crate) const STEP: &str = "step";

fn side_code(side: Side) -> &'static str {
    match side {
        Side::Bank => "bank",
        Side::Insurer => "insurer",
    }
}

/// A step's outcome that means "not yet": what it follows has not arrived.
fn not_yet(e: &DeskError) -> bool {
    matches!(e.code, ErrorCode::WrongState | ErrorCode::RAmt1)
}

impl Desk {
    /// The organisations a peer speaks for (none: a field laptop).
    pub(crate) fn partner_orgs(&self, peer: &str) -> DeskResult<Vec<String>> {
        Ok(partners::organisations(self.store.connection(), peer)?)
    }

    /// The code of the organisation acting for `side` on a case.
    fn side_org(&self, case: &CaseRecord, side: Side) -> DeskResult<String> {
        let id = match side {
            Side::Bank => case.bank_id,
            Side::Insurer => case.insurer_id,
        };
        let org = id
            .map(|id| surety_store::orgs::org_by_id(self.store.connection(), id))
            .transpose()?
            .flatten();
        Ok(org.map(|o| o.code).unwrap_or_default())
    }

    /// Everything of the cases shared with a partner office that it has not had yet:
    /// each case once, then each step of this office's own sides.
    pub(crate) fn partner_events(
        &self,
        bundle: &mut crate::exchange::bundle::Outgoing,
        orgs: &[String],
        cases: &mut Vec<String>,
    ) -> DeskResult<Vec<String>> {
        let conn = self.store.connection();
        let peer = bundle.peer_id().to_string();
        let mut sent = Vec::new();
        for (_, case_no) in partners::shared_cases(conn, orgs)? {
            let Some(case) = sections::case_by_no(conn, &case_no)? else {
                continue;
            };
            let (key, _) = partners::provisional(conn, case.id)?;
            if !bundle.wants(&case_no, key.as_deref().unwrap_or(&case_no)) {
                continue;
            }
            let mut any = false;
            // The partner has the case if it sent it, or sent anything about it.
            let partner_has_it = partners::origin(conn, case.id)?.as_deref() == Some(peer.as_str())
                || partners::received_from(conn, &peer, &case_no)?;
            if !partner_has_it {
                if let Some(part) = self.case_part(&case)? {
                    let bytes = serde_json::to_vec(&part).expect("a case part serializes");
                    let id = bundle.content_event(&case_no, CASE, bytes);
                    if !stored::event_sent(conn, &id, &peer)? {
                        // The photos go with the case, once.
                        bundle.carry_files(conn, &part.files)?;
                        sent.push(id);
                        any = true;
                    } else {
                        bundle.drop_last();
                    }
                }
            }
            for step in self.own_steps(&case, orgs)? {
                let bytes = serde_json::to_vec(&step).expect("a step serializes");
                let id = bundle.content_event(&case_no, STEP, bytes);
                if !stored::event_sent(conn, &id, &peer)? && stored::event(conn, &id)?.is_none() {
                    sent.push(id);
                    any = true;
                } else {
                    bundle.drop_last();
                }
            }
            if any && !cases.contains(&case_no) {
                cases.push(case_no);
            }
        }
        Ok(sent)
    }

    /// The case as entered, with its intake files (none for a case made before intakes
    /// were kept: it cannot be shared, and the partner is told nothing of it).
    fn case_part(&self, case: &CaseRecord) -> DeskResult<Option<CasePart>> {
        let conn = self.store.connection();
        let Some(input) = partners::intake_input(conn, case.id)? else {
            return Ok(None);
        };
        let agent = case
            .created_by
            .and_then(|id| {
                surety_store::users::list(conn)
                    .ok()?
                    .into_iter()
                    .find(|u| u.id == id)
            })
            .ok_or_else(|| {
                surety_store::StoreError::Corrupt(format!("cases {}: no author", case.id))
            })?;
        let (provisional_no, origin) = partners::provisional(conn, case.id)?;
        let files = crate::exchange::bundle::intake_files(conn, case.id)?;
        Ok(Some(CasePart {
            case_no: case.case_no.clone(),
            provisional_no,
            origin,
            agent: agent
                .username
                .split('@')
                .next()
                .unwrap_or_default()
                .to_string(),
            agent_name: agent.display_name,
            agent_role: agent.role.code().to_string(),
            input: serde_json::from_str(&input).map_err(|e| {
                surety_store::StoreError::Corrupt(format!("intake_inputs {}: {e}", case.id))
            })?,
            files,
        }))
    }

    /// The steps of a case taken by sides the partner does not speak for.
    fn own_steps(&self, case: &CaseRecord, partner_orgs: &[String]) -> DeskResult<Vec<StepPart>> {
        let conn = self.store.connection();
        let all = [
            ("investigate", partners::investigations(conn, case.id)?),
            ("review", partners::review_notes(conn, case.id)?),
            ("exception", partners::exceptions(conn, case.id)?),
            ("decide", partners::decisions(conn, case.id)?),
        ];
        let mut out = Vec::new();
        for (name, steps) in all {
            for s in steps {
                if partner_orgs.contains(&self.side_org(case, s.side)?) {
                    continue;
                }
                out.push(StepPart {
                    case_no: case.case_no.clone(),
                    step: name.into(),
                    side: side_code(s.side).into(),
                    author: s.by.0.split('@').next().unwrap_or_default().to_string(),
                    author_name: s.by.1.clone(),
                    on: s.on.chars().take(10).collect(),
                    content: step_content(name, &s, case.id)?,
                });
            }
        }
        Ok(out)
    }

    /// Takes in a partner's case: its own intake replayed under the case's number.
    pub(crate) fn take_partner_case(
        &mut self,
        from: &str,
        bundle_id: &str,
        event: &surety_bundle::Event,
        part: &CasePart,
        opened: &surety_bundle::Opened,
    ) -> DeskResult<ImportLine> {
        let conn = self.store.connection();
        if let Some(held) = sections::case_by_no(conn, &part.case_no)? {
            // The number is taken here: by this very case (sent again), or by another.
            let sent_id = part
                .input
                .pointer("/borrower/id_number")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            if !held.borrower_id_number.eq_ignore_ascii_case(sent_id.trim()) {
                let e = DeskError::not_permitted(
                    format!("案件编号 {} 在本机已用于另一笔申请：未导入", part.case_no),
                    format!(
                        "case number {} is used here by another application: not taken",
                        part.case_no
                    ),
                );
                self.remember_outcome(
                    from,
                    bundle_id,
                    &event.event_id,
                    &event.hash,
                    &format!("refused: {}", e.message_en),
                    Some(&part.case_no),
                )?;
                return Ok(line(&part.case_no, CASE, "refused", Some(&e)));
            }
            let at = crate::desk::ids::now();
            self.store.write_bookkeeping(|tx| {
                stored::record_event(
                    tx,
                    &TakenEvent {
                        event_id: &event.event_id,
                        sha256: &event.hash,
                        bundle_id,
                        from_installation: from,
                        applied_at: &at,
                        outcome: "taken",
                        case_no: Some(&part.case_no),
                    },
                )
            })?;
            return Ok(line(&part.case_no, CASE, "already", None));
        }
        let role = Role::parse(&part.agent_role).unwrap_or(Role::FieldAgent);
        let org = match role {
            Role::BankOfficer => part.input.get("bank"),
            Role::Underwriter => part.input.get("insurer"),
            _ => None,
        }
        .and_then(|v| v.as_str())
        .map(str::to_string);
        let author = self.remote_user(from, &part.agent, &part.agent_name, role, org.as_deref())?;
        let intake = crate::exchange::bundle::IntakePart {
            provisional_no: part
                .provisional_no
                .clone()
                .unwrap_or_else(|| part.case_no.clone()),
            agent: author.username.clone(),
            input: part.input.clone(),
            files: part.files.clone(),
        };
        let origin = part.origin.clone().unwrap_or_else(|| from.to_string());
        Ok(self.take_in_as(
            from,
            &origin,
            bundle_id,
            event,
            &intake,
            opened,
            Ok(author),
            Some(part.case_no.clone()),
            part.provisional_no.is_some(),
        ))
    }

    /// The local stand-in for a person of a partner office: made on first use.
    fn remote_user(
        &mut self,
        peer: &str,
        username: &str,
        display_name: &str,
        role: Role,
        org: Option<&str>,
    ) -> DeskResult<surety_store::User> {
        let short: String = peer.chars().take(8).collect();
        let name = format!("{}@{short}", username.trim());
        if let Some(u) = surety_store::users::by_username(self.store.connection(), &name)? {
            return Ok(u);
        }
        let org_id = match org {
            Some(code) => Some(self.org(code, "organisation")?.id),
            None => None,
        };
        let display =
            crate::desk::text::clean("author_name", display_name, crate::desk::text::NAME)
                .unwrap_or_else(|_| name.clone());
        let actor = self.actor();
        let peer = peer.to_string();
        let user = self.store.write(&actor, "user.remote_added", |tx| {
            // Made by another import meanwhile: that one (read inside the write).
            if let Some(u) = surety_store::users::by_username(tx, &name)? {
                return Ok((
                    u,
                    surety_store::AuditNote::new("user", &name, "remote user already known"),
                ));
            }
            let u = partners::add_remote_user(tx, &name, &display, role, org_id, &peer)?;
            Ok((
                u.clone(),
                surety_store::AuditNote::new(
                    "user",
                    &name,
                    format!(
                        "{display} ({}) of partner installation {peer}, known here by its bundles",
                        role.code()
                    ),
                ),
            ))
        })?;
        Ok(user)
    }

    /// Replays a partner's step in its author's name, dated by its day, with the event
    /// recorded inside the step's own transaction. Refused if the peer does not speak for
    /// the side; waits if the case or what the step follows has not arrived.
    pub(crate) fn take_partner_step(
        &mut self,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        part: &StepPart,
    ) -> DeskResult<ImportLine> {
        let conn = self.store.connection();
        if stored::case_refused_from(conn, from, &part.case_no)? {
            let e = DeskError::not_permitted(
                format!("案件 {} 此前已被本机拒收，其后续步骤不予导入", part.case_no),
                format!(
                    "case {} was refused here before: its steps are not taken",
                    part.case_no
                ),
            );
            return self.refuse_step(from, bundle_id, event_id, sha256, part, e);
        }
        let Some(case) = sections::case_by_no(conn, &part.case_no)? else {
            let what = format!("case {}", part.case_no);
            return self.wait_step(from, bundle_id, event_id, sha256, part, what);
        };
        let (side, org) = match self.step_side(from, &case, part)? {
            Ok(side_and_org) => side_and_org,
            Err(e) => return self.refuse_step(from, bundle_id, event_id, sha256, part, e),
        };
        let role = match side {
            Side::Bank => Role::BankOfficer,
            Side::Insurer => Role::Underwriter,
        };
        let author = self.remote_user(from, &part.author, &part.author_name, role, Some(&org))?;
        let on = crate::desk::parse::parse_date("on", &part.on)?;
        self.record_event_with_next_write(event_id, sha256, bundle_id, from, &part.case_no);
        // Replayed as its author, on its day, by the same step as at the author's office.
        let me = std::mem::replace(&mut self.user, author);
        let today = self.today;
        self.today = Some(on);
        let result = self.replay_step(part);
        self.user = me;
        self.today = today;
        // A step that failed wrote nothing: its event record goes with it.
        self.store.clear_after_next_write();
        // A case that is over here (declined, withdrawn, closed, repaid) takes nothing more:
        // the step is refused with its reason rather than left to wait for ever.
        let over = sections::case_by_no(self.store.connection(), &part.case_no)?
            .is_some_and(|c| c.status.is_final());
        match result {
            Ok(_) => Ok(line(&part.case_no, STEP, "taken", None)),
            Err(e) if not_yet(&e) && !over => {
                let what = format!("{} ({})", part.step, e.message_en);
                self.wait_step(from, bundle_id, event_id, sha256, part, what)
            }
            Err(e) => self.refuse_step(from, bundle_id, event_id, sha256, part, e),
        }
    }

    /// The side a step is of and its organisation on the case, if the sending peer speaks
    /// for it; otherwise the refusal to report (the outer error is a failure here).
    fn step_side(
        &self,
        from: &str,
        case: &CaseRecord,
        part: &StepPart,
    ) -> DeskResult<Result<(Side, String), DeskError>> {
        let side = match part.side.as_str() {
            "bank" => Side::Bank,
            "insurer" => Side::Insurer,
            other => {
                return Ok(Err(DeskError::invalid(
                    "side",
                    format!("未知的一方“{other}”"),
                    format!("unknown side `{other}`"),
                )))
            }
        };
        let org = self.side_org(case, side)?;
        if self.partner_orgs(from)?.contains(&org) {
            return Ok(Ok((side, org)));
        }
        let peer = surety_store::peers::by_id(self.store.connection(), from)?
            .map(|p| p.name)
            .unwrap_or_default();
        let side_zh = if side == Side::Bank {
            "银行"
        } else {
            "保险公司"
        };
        Ok(Err(DeskError::not_permitted(
            format!("“{peer}”未登记为代表“{org}”，其{side_zh}方的内容未被采纳"),
            format!(
                "`{peer}` is not registered to speak for `{org}`: its {} section was not taken",
                side_code(side)
            ),
        )))
    }

    /// The event is recorded inside the transaction of the step it brings, so the two
    /// stand or fall together.
    fn record_event_with_next_write(
        &mut self,
        event_id: &str,
        sha256: &str,
        bundle_id: &str,
        from: &str,
        case_no: &str,
    ) {
        let event = (
            event_id.to_string(),
            sha256.to_string(),
            bundle_id.to_string(),
            from.to_string(),
            case_no.to_string(),
        );
        self.store.after_next_write(Box::new(move |tx| {
            let at = crate::desk::ids::now();
            stored::record_event(
                tx,
                &TakenEvent {
                    event_id: &event.0,
                    sha256: &event.1,
                    bundle_id: &event.2,
                    from_installation: &event.3,
                    applied_at: &at,
                    outcome: "taken",
                    case_no: Some(&event.4),
                },
            )
        }));
    }

    /// A partner's step taken by the same service method as at its office.
    fn replay_step(&mut self, part: &StepPart) -> DeskResult<CaseView> {
        let case_no = part.case_no.clone();
        let read = |key: &str| {
            part.content
                .get(key)
                .cloned()
                .unwrap_or(serde_json::Value::Null)
        };
        let note = read("note").as_str().unwrap_or_default().to_string();
        match part.step.as_str() {
            "investigate" => {
                let findings =
                    serde_json::from_value::<FindingsInput>(read("findings")).map_err(|e| {
                        DeskError::invalid(
                            "findings",
                            format!("调查结论无法读取：{}", crate::desk::error::FORM_ZH),
                            format!("the findings cannot be read: {e}"),
                        )
                    })?;
                self.investigate(&InvestigationInput {
                    case_no,
                    findings,
                    note,
                    attachments: vec![],
                })
            }
            "review" => self.review_note(&NoteInput { case_no, note }),
            "exception" => self.approve_exception(&NoteInput { case_no, note }),
            "decide" => self.decide(&DecisionInput {
                case_no,
                approve: read("approve").as_bool().unwrap_or(false),
                reason: read("reason").as_str().unwrap_or_default().to_string(),
            }),
            other => Err(DeskError::invalid(
                "step",
                format!("未知的步骤“{other}”"),
                format!("unknown step `{other}`"),
            )),
        }
    }

    fn wait_step(
        &mut self,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        part: &StepPart,
        what: String,
    ) -> DeskResult<ImportLine> {
        let part_json = serde_json::to_string(part).expect("json");
        self.park(STEP, from, bundle_id, event_id, sha256, part_json, &what)?;
        let mut l = line(&part.case_no, STEP, "waiting", None);
        l.reason_zh = Some(format!("等待先到达的内容：{what}"));
        l.reason_en = Some(format!("waiting for what it follows: {what}"));
        Ok(l)
    }

    fn refuse_step(
        &mut self,
        from: &str,
        bundle_id: &str,
        event_id: &str,
        sha256: &str,
        part: &StepPart,
        e: DeskError,
    ) -> DeskResult<ImportLine> {
        let outcome = format!("refused: {}", e.message_en);
        self.remember_outcome(
            from,
            bundle_id,
            event_id,
            sha256,
            &outcome,
            Some(&part.case_no),
        )?;
        Ok(line(&part.case_no, STEP, "refused", Some(&e)))
    }
}

/// What a step's replay needs, as its input takes it.
fn step_content(
    name: &str,
    s: &partners::SharedStep,
    case_id: i64,
) -> DeskResult<serde_json::Value> {
    Ok(match name {
        "investigate" => {
            let f: surety_domain::eligibility::Findings = serde_json::from_str(&s.findings_json)
                .map_err(|e| {
                    surety_store::StoreError::Corrupt(format!("investigations {case_id}: {e}"))
                })?;
            serde_json::json!({
                "findings": {
                    "tax_arrears_clean": f.tax_arrears.clean,
                    "debt_evasion_clean": f.debt_evasion.clean,
                    "violation_record_clean": f.violation_record.clean,
                },
                "note": s.note,
            })
        }
        "review" => serde_json::json!({"note": s.note}),
        "exception" => serde_json::json!({"note": s.reason}),
        _ => serde_json::json!({"approve": s.approve, "reason": s.reason}),
    })
}

fn line(case_no: &str, section: &str, outcome: &str, e: Option<&DeskError>) -> ImportLine {
    ImportLine {
        provisional_no: case_no.to_string(),
        section: section.to_string(),
        outcome: outcome.to_string(),
        case_no: Some(case_no.to_string()),
        reason_zh: e.map(|e| e.message_zh.clone()),
        reason_en: e.map(|e| e.message_en.clone()),
        files: 0,
    }
}
