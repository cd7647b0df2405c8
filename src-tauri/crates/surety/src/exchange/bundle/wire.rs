//! The bundle's wire format: the parts an event carries (an intake, its files, the
//! office's word, a revision, a partner's case or step), an outgoing bundle as it is built,
//! and what export and import report.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::exchange::merge::RevisionPart;
use crate::exchange::partners::{CasePart, StepPart};
use serde::{Deserialize, Serialize};
use surety_bundle::Event;
use surety_store::attachments::{self as stored_files};

/// The part of a laptop's bundle that carries its audit chain.
pub(crate) const AUDIT_PART: &str = "audit/chain.json";

/// The largest bundle opened (a thousand cases with their photos).
pub const MAX_BUNDLE_BYTES: u64 = crate::desk::bounded::BUNDLE_BYTES_MAX;

/// One application as a laptop sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntakePart {
    pub provisional_no: String,
    pub agent: String,
    pub input: serde_json::Value,
    pub files: Vec<FilePart>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilePart {
    pub(crate) uid: String,
    pub(crate) file_name: String,
    pub(crate) sha256: String,
    pub(crate) added_at: String,
    pub(crate) part: String,
}

/// The office's word on one application, as it goes back to the laptop.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OfficePart {
    pub(crate) provisional_no: String,
    pub(crate) case_no: String,
    pub(crate) status: String,
    pub(crate) decisions: serde_json::Value,
    pub(crate) as_of: String,
}

/// One event's content, by the section it carries.
pub(crate) enum Incoming {
    Intake(IntakePart),
    Office(OfficePart),
    Revision(RevisionPart),
    Case(CasePart),
    Step(StepPart),
}

impl Incoming {
    pub(crate) fn parse(section: &str, part: &[u8]) -> Result<Incoming, serde_json::Error> {
        Ok(match section {
            "office" => Incoming::Office(serde_json::from_slice(part)?),
            crate::exchange::site_visits::SECTION => {
                Incoming::Revision(serde_json::from_slice(part)?)
            }
            crate::exchange::partners::CASE => Incoming::Case(serde_json::from_slice(part)?),
            crate::exchange::partners::STEP => Incoming::Step(serde_json::from_slice(part)?),
            _ => Incoming::Intake(serde_json::from_slice(part)?),
        })
    }

    pub(crate) fn provisional_no(&self) -> &str {
        match self {
            Incoming::Intake(i) => &i.provisional_no,
            Incoming::Office(o) => &o.provisional_no,
            Incoming::Revision(r) => &r.case_key,
            Incoming::Case(c) => &c.case_no,
            Incoming::Step(s) => &s.case_no,
        }
    }

    pub(crate) fn files(&self) -> u32 {
        match self {
            Incoming::Intake(i) => i.files.len() as u32,
            Incoming::Case(c) => c.files.len() as u32,
            _ => 0,
        }
    }
}

/// A bundle being made: to whom, from whom, its events and their parts.
pub(crate) struct Outgoing {
    /// The cases the user picked (none: everything the peer has not had).
    pub(crate) only: Vec<String>,
    pub(crate) bundle_id: String,
    pub(crate) me: String,
    pub(crate) peer: surety_store::peers::Peer,
    pub(crate) events: Vec<Event>,
    pub(crate) parts: Vec<OutPart>,
}

/// One part of a bundle being made: as the manifest lists it, and where its contents are.
pub(crate) struct OutPart {
    pub(crate) listed: surety_bundle::Part,
    pub(crate) body: Body,
}

pub(crate) enum Body {
    Bytes(Vec<u8>),
    /// A stored file, read from the database only as it is sealed: a thousand photos
    /// never sit in memory at once.
    Stored(String),
}

impl OutPart {
    pub(crate) fn bytes(name: String, bytes: Vec<u8>) -> OutPart {
        OutPart {
            listed: surety_bundle::Part {
                name,
                bytes: bytes.len() as u64,
                sha256: surety_bundle::sha256_hex(&bytes),
            },
            body: Body::Bytes(bytes),
        }
    }

    pub(crate) fn name(&self) -> &str {
        &self.listed.name
    }
}

impl Outgoing {
    /// Whether a case (by its number or the laptop's) goes in this bundle.
    pub(crate) fn wants(&self, case_no: &str, key: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|c| c == case_no || c == key)
    }

    /// Puts the files in the bundle (each once): their sizes and hashes as stored, their
    /// contents read when the bundle is sealed.
    pub(crate) fn carry_files(
        &mut self,
        conn: &surety_store::Connection,
        files: &[FilePart],
    ) -> DeskResult<()> {
        for f in files {
            if self.parts.iter().any(|p| p.name() == f.part) {
                continue;
            }
            let stored = stored_files::by_uid(conn, &f.uid)?.ok_or_else(|| {
                surety_store::StoreError::Corrupt(format!("attachment {} is gone", f.uid))
            })?;
            self.parts.push(OutPart {
                listed: surety_bundle::Part {
                    name: f.part.clone(),
                    bytes: stored.bytes,
                    sha256: stored.sha256,
                },
                body: Body::Stored(f.uid.clone()),
            });
        }
        Ok(())
    }

    pub(crate) fn peer_id(&self) -> &str {
        &self.peer.installation_id
    }

    /// Adds a content-addressed event (the same content is one event however often it is
    /// made); returns its id.
    pub(crate) fn content_event(
        &mut self,
        case_uid: &str,
        section: &str,
        bytes: Vec<u8>,
    ) -> String {
        self.section(case_uid, section, bytes, true);
        self.events.last().expect("just added").event_id.clone()
    }

    /// Takes back the last event added (and its part).
    pub(crate) fn drop_last(&mut self) {
        if let Some(e) = self.events.pop() {
            self.parts.retain(|p| p.name() != e.part);
        }
    }

    /// Adds one section of a case as an event with its part. Its id names the sender, the
    /// case and the section — and, when `content_addressed`, the content's hash too, so the
    /// same content is one event however often it is sent and changed content another.
    pub(crate) fn section(
        &mut self,
        case_uid: &str,
        section: &str,
        bytes: Vec<u8>,
        content_addressed: bool,
    ) {
        let hash = surety_bundle::sha256_hex(&bytes);
        let me = &self.me;
        let id = if content_addressed {
            format!("{me}/{case_uid}/{section}/{hash}")
        } else {
            format!("{me}/{case_uid}/{section}")
        };
        let part = if content_addressed {
            format!("{section}/{case_uid}/{hash}.json")
        } else {
            format!("{section}/{case_uid}.json")
        };
        self.events.push(Event {
            event_id: surety_bundle::sha256_hex(id.as_bytes()),
            case_uid: case_uid.to_string(),
            section: section.to_string(),
            base: String::new(),
            hash,
            part: part.clone(),
        });
        self.parts.push(OutPart::bytes(part, bytes));
    }
}

impl Outgoing {
    /// Adds a section revision as it stands here: its own id, the revision it was made on.
    pub(crate) fn revision(&mut self, part: RevisionPart, event_id: &str, sha256: &str) {
        let name = format!("{}/{event_id}.json", part.section);
        self.events.push(Event {
            event_id: event_id.to_string(),
            case_uid: part.case_key.clone(),
            section: part.section.clone(),
            base: part.base.clone(),
            hash: sha256.to_string(),
            part: name.clone(),
        });
        self.parts.push(OutPart::bytes(name, part.bytes()));
    }
}

/// Something not sent yet: an application, or a change to a section of one.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Unsent {
    pub case_no: String,
    pub section: String,
    pub written_at: Option<String>,
}

/// A case's intake files as a bundle names them (their contents go in with
/// [`Outgoing::carry_files`], once the event that names them is kept).
pub(crate) fn intake_files(
    conn: &surety_store::Connection,
    case_id: i64,
) -> DeskResult<Vec<FilePart>> {
    Ok(stored_files::of_case(conn, case_id)?
        .into_iter()
        .filter(|a| a.section == "intake")
        .map(|a| FilePart {
            part: format!("files/{}", a.uid),
            uid: a.uid,
            file_name: a.file_name,
            sha256: a.sha256,
            added_at: a.added_at,
        })
        .collect())
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Exported {
    pub path: String,
    pub bundle_id: String,
    pub cases: Vec<String>,
    pub files: u32,
    pub bytes: u64,
}

/// One event of a bundle and what becomes (or became) of it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportLine {
    pub provisional_no: String,
    /// intake, office or site_visit.
    pub section: String,
    /// new, update, taken, already, conflict, waiting, refused (a backlog entry that moved:
    /// "taken (backlog)").
    pub outcome: String,
    pub case_no: Option<String>,
    pub reason_zh: Option<String>,
    pub reason_en: Option<String>,
    pub files: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub bundle_id: String,
    pub from_installation: String,
    pub from_name: String,
    pub applied: bool,
    pub lines: Vec<ImportLine>,
    /// A field laptop's audit chain (at its office): its outcome (update, taken, already,
    /// refused), the new entries in `files`.
    pub audit_chain: Option<ImportLine>,
}

pub(crate) fn refused(code: ErrorCode, zh: String, en: String) -> DeskError {
    DeskError::new(code, Some("file"), zh, en)
}
