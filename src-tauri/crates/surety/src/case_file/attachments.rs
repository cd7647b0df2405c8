//! Photos and scans attached to a section of a case — the ID card and licence at
//! intake, premises and site-visit photos with each side's investigation, signed contracts,
//! claim and recovery papers. Only the section's owner attaches (the process model says
//! who); everyone who may read the case sees them; saving one to a file is on the audit
//! record. A file is judged by its bytes: JPEG, PNG or PDF, at most 20 MB, whole.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use surety_docs::images::{self, ScanError, ScanKind};
use surety_domain::process::{Document, Party, Section};
use surety_domain::Side;
use surety_store::attachments::{self, AttachmentRow, NewAttachment};
use surety_store::sections::CaseRecord;

/// What to attach: the case, the section by its name (`intake`, `investigation`,
/// `loan_contract`, `guarantee_policy`, `accident_policy`, `claim`, `recoveries`) and the
/// file's name as the user knows it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AttachInput {
    pub case_no: String,
    pub section: String,
    pub file_name: String,
}

/// An attachment as lists show it (no content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Attachment {
    pub uid: String,
    pub case_no: String,
    /// `intake`, `investigation:insurer`, `investigation:bank`, `document:loan_contract`, …
    pub section: String,
    /// `jpeg`, `png` or `pdf`.
    pub kind: String,
    pub file_name: String,
    pub bytes: u32,
    pub sha256: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub added_by: String,
    pub added_at: String,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Attachment {
            uid: r.uid,
            case_no: r.case_no,
            section: r.section,
            kind: r.kind,
            file_name: r.file_name,
            bytes: r.bytes as u32,
            sha256: r.sha256,
            width: r.width,
            height: r.height,
            added_by: r.added_by,
            added_at: r.added_at,
        }
    }
}

/// The sections a file may be attached to, for the party attaching.
fn section_named(name: &str, party: Party) -> Option<Section> {
    let side = match party {
        Party::Insurer => Some(Side::Insurer),
        Party::Bank => Some(Side::Bank),
        Party::FieldAgent => None,
    };
    Some(match name.trim() {
        "intake" => Section::Intake,
        "investigation" => Section::Investigation(side?),
        "claim" => Section::Claim,
        "recoveries" => Section::Recoveries,
        other => Section::Document(Document::parse(other)?),
    })
}

/// The section as stored and shown.
fn label(section: Section) -> String {
    match section {
        Section::Intake => "intake".into(),
        Section::Investigation(Side::Insurer) => "investigation:insurer".into(),
        Section::Investigation(Side::Bank) => "investigation:bank".into(),
        Section::Document(d) => format!("document:{}", d.code()),
        Section::Claim => "claim".into(),
        Section::Recoveries => "recoveries".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// The file's own name, without any folder, at most 120 characters.
/// The file's own name (a path's last part), held to the text policy of every name.
fn plain_name(name: &str) -> DeskResult<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    crate::desk::text::clean("file_name", base, crate::desk::text::FILE_NAME)
}

fn scan_refusal(e: ScanError, file_name: &str) -> DeskError {
    let (zh, en) = match e {
        ScanError::UnknownType => (
            format!("“{file_name}”不是 JPEG、PNG 或 PDF 文件：只能附加照片（JPEG、PNG）或扫描件（PDF）"),
            format!("`{file_name}` is not a JPEG, PNG or PDF file: only photos (JPEG, PNG) and scans (PDF) can be attached"),
        ),
        ScanError::Empty => (
            format!("“{file_name}”是空文件"),
            format!("`{file_name}` is empty"),
        ),
        ScanError::TooLarge => (
            format!("“{file_name}”超过 20 MB：请压缩照片或分开扫描"),
            format!("`{file_name}` is over 20 MB: shrink the photo or scan in parts"),
        ),
        ScanError::Damaged(why) => (
            format!("“{file_name}”已损坏或不完整，无法打开（{why}）：请重新拍摄或复制"),
            format!("`{file_name}` is damaged or incomplete and cannot be opened ({why}): take or copy it again"),
        ),
    };
    DeskError::invalid("file", zh, en)
}

fn new_uid() -> String {
    let millis = chrono::Utc::now().timestamp_millis().max(0) as u64;
    format!(
        "{millis:012x}{:016x}{:04x}",
        fastrand::u64(..),
        fastrand::u16(..)
    )
}

impl Desk {
    /// Attaches a file read from `path` (the CLI's flag or the window's open dialog).
    pub fn attach_file(
        &mut self,
        input: &AttachInput,
        path: &std::path::Path,
    ) -> DeskResult<Attachment> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let len = std::fs::metadata(path)
            .map_err(|e| {
                DeskError::invalid(
                    "file",
                    format!(
                        "无法读取文件 {}：{}",
                        path.display(),
                        crate::desk::error::io_cause_zh(&e)
                    ),
                    format!("cannot read {}: {e}", path.display()),
                )
            })?
            .len();
        // Refused before reading it into memory.
        if len > images::MAX_BYTES as u64 {
            return Err(scan_refusal(ScanError::TooLarge, &name));
        }
        // The size said above is not the last word (a device, a file still growing).
        let bytes = crate::desk::bounded::read_file(
            path,
            images::MAX_BYTES as u64,
            crate::desk::bounded::Source {
                field: "file",
                zh: "文件",
                en: "file",
            },
        )?;
        let input = AttachInput {
            file_name: if input.file_name.trim().is_empty() {
                name
            } else {
                input.file_name.clone()
            },
            ..input.clone()
        };
        self.attach(&input, &bytes)
    }

    /// Attaches `content` to a section of a case: one transaction, one audit entry.
    pub fn attach(&mut self, input: &AttachInput, content: &[u8]) -> DeskResult<Attachment> {
        let case = self.case(&input.case_no)?;
        let section = self.section_to_attach_to(&case, &input.section)?;
        let file_name = plain_name(&input.file_name)?;
        let inspected = images::inspect(content).map_err(|e| scan_refusal(e, &file_name))?;
        let sha256 = hex::encode(Sha256::digest(content));
        let section_label = label(section);
        let uid = new_uid();
        let actor = self.actor();
        let user_id = self.user.id;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let kind = inspected.kind;
        self.store.write(&actor, "case.attach", |tx| {
            if let Some(earlier) = attachments::same_file(tx, case.id, &section_label, &sha256)? {
                return Err(surety_store::StoreError::Invalid {
                    field: "file".into(),
                    message_zh: format!("同一文件已附在本案件的 {section_label} 中（“{earlier}”）"),
                    message_en: format!(
                        "the same file is attached to this case's {section_label} already (`{earlier}`)"
                    ),
                });
            }
            attachments::insert(
                tx,
                &NewAttachment {
                    uid: &uid,
                    case_id: case.id,
                    section: &section_label,
                    kind: kind.code(),
                    file_name: &file_name,
                    sha256: &sha256,
                    width: inspected.width,
                    height: inspected.height,
                    content,
                    thumbnail: inspected.thumbnail.as_deref(),
                    added_by: user_id,
                    added_at: &now,
                },
            )?;
            Ok(case_note(
                    &case.case_no,
                    format!(
                        "attached {} `{file_name}` ({} bytes, sha256 {sha256}) to {section_label}",
                        kind.code(),
                        content.len()
                    ),
            ))
        })?;
        self.attachment(&uid)
    }

    /// The section of the case a file goes to, which must be one the user's party writes.
    fn section_to_attach_to(&self, case: &CaseRecord, name: &str) -> DeskResult<Section> {
        let party = self.party_on(case).ok_or_else(|| {
            DeskError::not_permitted(
                format!("{}不是本案件的经办人，无权附加材料", self.user.display_name),
                format!(
                    "{} does not act for this case and may not attach files",
                    self.user.username
                ),
            )
        })?;
        let section = section_named(name, party).ok_or_else(|| {
            DeskError::invalid(
                "section",
                format!(
                    "“{}”不是可附加材料的部分：应为 intake（受理）、investigation（本方调查）、loan_contract、guarantee_policy、accident_policy（签署的合同保单）、claim（理赔）或 recoveries（追偿）",
                    crate::desk::text::shown(name)
                ),
                format!(
                    "`{}` is not a part of a case files go to: intake, investigation (your side's), loan_contract, guarantee_policy, accident_policy (signed), claim or recoveries",
                    crate::desk::text::shown(name)
                ),
            )
        })?;
        if !section.may_write(party) {
            return Err(DeskError::not_permitted(
                format!("“{}”由另一方负责，您不能在其中附加材料", label(section)),
                format!(
                    "`{}` belongs to another party: you may not attach files to it",
                    label(section)
                ),
            ));
        }
        Ok(section)
    }

    fn attachment(&self, uid: &str) -> DeskResult<Attachment> {
        let row = attachments::by_uid(self.store.connection(), uid.trim())?
            .ok_or_else(|| DeskError::not_found("附件", "attachment", uid))?;
        // Only those who may read the case see its files (and learn that they exist).
        self.case(&row.case_no)
            .map_err(|_| DeskError::not_found("附件", "attachment", uid))?;
        Ok(row.into())
    }

    /// A case's attachments, oldest first.
    pub fn attachments(&self, case_no: &str) -> DeskResult<Vec<Attachment>> {
        let case = self.case(case_no)?;
        Ok(attachments::of_case(self.store.connection(), case.id)?
            .into_iter()
            .map(Attachment::from)
            .collect())
    }

    /// An image's thumbnail (JPEG), or none for a PDF.
    pub fn attachment_thumbnail(&self, uid: &str) -> DeskResult<Option<Vec<u8>>> {
        let a = self.attachment(uid)?;
        Ok(attachments::thumbnail(self.store.connection(), &a.uid)?)
    }

    /// The whole file, to show in the window.
    pub fn attachment_content(&self, uid: &str) -> DeskResult<(Attachment, Vec<u8>)> {
        let a = self.attachment(uid)?;
        let bytes = attachments::content(self.store.connection(), &a.uid)?
            .ok_or_else(|| DeskError::not_found("附件", "attachment", uid))?;
        Ok((a, bytes))
    }

    /// Writes an attachment to a file the user chose; on the audit record.
    pub fn save_attachment(
        &mut self,
        uid: &str,
        out: &std::path::Path,
    ) -> DeskResult<crate::case_file::printing::Printed> {
        let (a, bytes) = self.attachment_content(uid)?;
        crate::desk::output::check(self.store.path(), out)?;
        self.deliver(
            out,
            &bytes,
            ("case.attachment_saved", "case", &a.case_no),
            format!(
                "saved attachment `{}` ({}, {})",
                a.file_name, a.section, a.sha256
            ),
        )
    }
}

/// The kind's MIME type for the window.
pub fn mime_of(kind: &str) -> &'static str {
    ScanKind::from_code(kind)
        .map(ScanKind::mime)
        .unwrap_or("application/octet-stream")
}
