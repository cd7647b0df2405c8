use super::wire::*;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::ids::now;
use crate::desk::replay::{ImportedFile, IntakeImport};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use crate::origination::inputs::IntakeInput;
use surety_bundle::Event;
use surety_docs::images;
use surety_store::bundles::{self as stored, TakenEvent};
use surety_store::Role;

impl Desk {
    /// On the laptop: records the office's word on one of its applications (one
    /// transaction, one audit entry on the case).
    pub(crate) fn take_office_word(
        &mut self,
        origin: &str,
        bundle_id: &str,
        event: &Event,
        word: &OfficePart,
    ) -> DeskResult<ImportLine> {
        let case =
            surety_store::sections::case_by_no(self.store.connection(), &word.provisional_no)?
                .ok_or_else(|| DeskError::not_found("案件", "case", &word.provisional_no))?;
        let actor = self.actor();
        let at = now();
        self.store.write(&actor, "case.office_word", |tx| {
            stored::set_office_word(
                tx,
                case.id,
                &stored::OfficeWord {
                    case_no: word.case_no.clone(),
                    status: word.status.clone(),
                    decisions: word.decisions.to_string(),
                    as_of: word.as_of.clone(),
                },
                bundle_id,
            )?;
            stored::record_event(
                tx,
                &TakenEvent {
                    event_id: &event.event_id,
                    sha256: &event.hash,
                    bundle_id,
                    from_installation: origin,
                    applied_at: &at,
                    outcome: "taken",
                    case_no: Some(&word.case_no),
                },
            )?;
            Ok(case_note(
                &case.case_no,
                format!(
                    "the office's word (bundle {bundle_id}): case {}, {}",
                    word.case_no, word.status
                ),
            ))
        })?;
        Ok(ImportLine {
            provisional_no: word.provisional_no.clone(),
            section: "office".into(),
            outcome: "taken".into(),
            case_no: Some(word.case_no.clone()),
            reason_zh: None,
            reason_en: None,
            files: 0,
        })
    }

    /// Replays one application's intake in its agent's name, with its files, in one
    /// transaction; a refusal by the office's own checks is recorded as the event's outcome.
    pub(crate) fn take_in(
        &mut self,
        origin: &str,
        bundle_id: &str,
        event: &Event,
        body: &IntakePart,
        opened: &surety_bundle::Opened,
    ) -> ImportLine {
        let agent = surety_store::users::by_username(self.store.connection(), &body.agent)
            .map_err(DeskError::from)
            .and_then(|u| {
                u.filter(|u| u.active && u.role == Role::FieldAgent)
                    .ok_or_else(|| {
                        DeskError::invalid(
                            "agent",
                            format!("本机没有外勤人员“{}”：请先在设置中添加", body.agent),
                            format!(
                                "there is no field agent `{}` here: add the user first",
                                body.agent
                            ),
                        )
                    })
            });
        self.take_in_as(
            origin, origin, bundle_id, event, body, opened, agent, None, true,
        )
    }

    /// Replays an intake in `agent`'s name (a laptop's agent, or a partner office's
    /// author), under `case_no` when the case was numbered elsewhere.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn take_in_as(
        &mut self,
        sender: &str,
        origin: &str,
        bundle_id: &str,
        event: &Event,
        body: &IntakePart,
        opened: &surety_bundle::Opened,
        agent: DeskResult<surety_store::User>,
        case_no: Option<String>,
        provisional: bool,
    ) -> ImportLine {
        let section = if case_no.is_some() {
            crate::exchange::partners::CASE
        } else {
            "intake"
        };
        let line = |outcome: &str, case_no: Option<String>, e: Option<&DeskError>| ImportLine {
            provisional_no: body.provisional_no.clone(),
            section: section.into(),
            outcome: outcome.into(),
            case_no,
            reason_zh: e.map(|e| e.message_zh.clone()),
            reason_en: e.map(|e| e.message_en.clone()),
            files: body.files.len() as u32,
        };
        let result = (|| -> DeskResult<String> {
            let input: IntakeInput = serde_json::from_value(body.input.clone()).map_err(|err| {
                DeskError::invalid(
                    "file",
                    format!("申请内容无法读取：{}", crate::desk::error::FORM_ZH),
                    format!("the application cannot be read: {err}"),
                )
            })?;
            let agent = agent?;
            if provisional {
                self.check_laptop_day(sender, &input)?;
            }
            let mut files = Vec::new();
            for f in &body.files {
                let content = opened
                    .part(&f.part)
                    .map_err(|e| super::import::damaged_part(&e))?
                    .map(|c| c.into_owned())
                    .unwrap_or_default();
                let inspected = images::inspect(&content).map_err(|err| {
                    DeskError::invalid(
                        "file",
                        format!(
                            "附件“{}”无法使用：不是可用的 JPEG 或 PNG 图片，或已损坏",
                            f.file_name
                        ),
                        format!("attachment `{}` cannot be used: {err}", f.file_name),
                    )
                })?;
                files.push(ImportedFile {
                    uid: f.uid.clone(),
                    file_name: f.file_name.clone(),
                    sha256: f.sha256.clone(),
                    added_at: f.added_at.clone(),
                    content,
                    inspected,
                });
            }
            self.import = Some(IntakeImport {
                origin: origin.to_string(),
                sender: sender.to_string(),
                provisional_no: body.provisional_no.clone(),
                event_id: event.event_id.clone(),
                sha256: event.hash.clone(),
                bundle_id: bundle_id.to_string(),
                files,
                case_no: case_no.clone(),
                provisional,
            });
            // The intake is the agent's: replayed in their name, checked by this office.
            let importer = std::mem::replace(&mut self.user, agent);
            let taken = self.intake(&input);
            self.user = importer;
            self.import = None;
            Ok(taken?.case_no)
        })();
        match result {
            Ok(case_no) => line("taken", Some(case_no), None),
            Err(e) => {
                // Remembered, so that the same bundle again says so instead of trying again.
                let outcome = format!("refused: {}", e.message_en);
                let _ = self.remember_outcome(
                    sender,
                    bundle_id,
                    &event.event_id,
                    &event.hash,
                    &outcome,
                    None,
                );
                line("refused", None, Some(&e))
            }
        }
    }

    /// A laptop's application is as old as the laptop's clock says, within what the office
    /// knows: not after today (the intake checks that), not before the laptop's enrolment.
    fn check_laptop_day(&self, laptop: &str, input: &IntakeInput) -> DeskResult<()> {
        let Some(day) = input.application_date.as_deref() else {
            return Ok(());
        };
        let enrolled = surety_store::peers::by_id(self.store.connection(), laptop)?
            .and_then(|p| p.enrolled_on);
        if let Some(enrolled) = enrolled.filter(|e| day < e.as_str()) {
            return Err(DeskError::invalid(
                "application_date",
                format!("申请日期 {day} 早于这台笔记本的登记日期 {enrolled}：笔记本的日期不对，请核对后在笔记本上重新受理"),
                format!("the application date {day} is before the laptop was enrolled ({enrolled}): the laptop's date is wrong; check it and take the application again on the laptop"),
            ));
        }
        Ok(())
    }
}
