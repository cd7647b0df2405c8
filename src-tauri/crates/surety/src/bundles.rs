//! Issue 16: bundles between a field laptop and its office — so far the first direction:
//! the applications an agent took in offline, each exactly as entered with its intake
//! photos and scans, go to the office, which replays its own intake for each (its own
//! checks, e.g. the borrower's other loans a laptop cannot know) in the agent's name and
//! issues the case number, keeping the laptop's provisional number beside it. A bundle is
//! opened only if sealed to this installation and signed by a registered peer; every event
//! is taken in once (the same bundle again changes nothing; a known event with other
//! content refuses the bundle before anything is applied).

use crate::case_inputs::IntakeInput;
use crate::desk::Desk;
use crate::error::{DeskError, DeskResult};
use crate::merge::RevisionPart;
use crate::partners::{CasePart, StepPart};
use serde::{Deserialize, Serialize};
use std::path::Path;
use surety_bundle::{Event, Manifest};
use surety_docs::images;
use surety_store::attachments::{self as stored_files, NewAttachment};
use surety_store::bundles::{self as stored, TakenEvent};
use surety_store::{AuditNote, Role, StoreResult};

/// The part of a laptop's bundle that carries its audit chain.
const AUDIT_PART: &str = "audit/chain.json";

/// The largest bundle opened (a thousand cases with their photos).
pub const MAX_BUNDLE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

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
    uid: String,
    file_name: String,
    sha256: String,
    added_at: String,
    part: String,
}

/// The office's word on one application, as it goes back to the laptop.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficePart {
    provisional_no: String,
    case_no: String,
    status: String,
    decisions: serde_json::Value,
    as_of: String,
}

/// One event's content, by the section it carries.
enum Incoming {
    Intake(IntakePart),
    Office(OfficePart),
    Revision(RevisionPart),
    Case(CasePart),
    Step(StepPart),
}

impl Incoming {
    fn parse(section: &str, part: &[u8]) -> Result<Incoming, serde_json::Error> {
        Ok(match section {
            "office" => Incoming::Office(serde_json::from_slice(part)?),
            crate::site_visits::SECTION => Incoming::Revision(serde_json::from_slice(part)?),
            crate::partners::CASE => Incoming::Case(serde_json::from_slice(part)?),
            crate::partners::STEP => Incoming::Step(serde_json::from_slice(part)?),
            _ => Incoming::Intake(serde_json::from_slice(part)?),
        })
    }

    fn provisional_no(&self) -> &str {
        match self {
            Incoming::Intake(i) => &i.provisional_no,
            Incoming::Office(o) => &o.provisional_no,
            Incoming::Revision(r) => &r.case_key,
            Incoming::Case(c) => &c.case_no,
            Incoming::Step(s) => &s.case_no,
        }
    }

    fn files(&self) -> u32 {
        match self {
            Incoming::Intake(i) => i.files.len() as u32,
            Incoming::Case(c) => c.files.len() as u32,
            _ => 0,
        }
    }
}

/// A file to store with a replayed intake.
#[derive(Debug, Clone)]
pub(crate) struct ImportedFile {
    uid: String,
    file_name: String,
    sha256: String,
    added_at: String,
    content: Vec<u8>,
    inspected: images::Inspected,
}

/// Where a replayed intake came from (set on the Desk only during the replay).
#[derive(Debug, Clone)]
pub(crate) struct IntakeImport {
    pub origin: String,
    /// The installation whose bundle brought it (the laptop, or a partner office).
    pub sender: String,
    pub provisional_no: String,
    pub event_id: String,
    pub sha256: String,
    pub bundle_id: String,
    files: Vec<ImportedFile>,
    /// A partner office's case keeps the number it was given there.
    pub case_no: Option<String>,
    /// Whether the origin numbered it provisionally (a laptop's application).
    pub provisional: bool,
}

/// Inside the replayed intake's transaction: the origin on the case, the event taken in,
/// the files.
pub(crate) fn record_import(
    tx: &surety_store::Transaction,
    import: &IntakeImport,
    case_id: i64,
    case_no: &str,
    user_id: i64,
) -> StoreResult<()> {
    if import.provisional {
        stored::set_origin(tx, case_id, &import.origin, &import.provisional_no)?;
    } else {
        stored::set_origin_only(tx, case_id, &import.origin)?;
    }
    let now = now();
    stored::record_event(
        tx,
        &TakenEvent {
            event_id: &import.event_id,
            sha256: &import.sha256,
            bundle_id: &import.bundle_id,
            from_installation: &import.sender,
            applied_at: &now,
            outcome: "taken",
            case_no: Some(case_no),
        },
    )?;
    for f in &import.files {
        stored_files::insert(
            tx,
            &NewAttachment {
                uid: &f.uid,
                case_id,
                section: "intake",
                kind: f.inspected.kind.code(),
                file_name: &f.file_name,
                sha256: &f.sha256,
                width: f.inspected.width,
                height: f.inspected.height,
                content: &f.content,
                thumbnail: f.inspected.thumbnail.as_deref(),
                added_by: user_id,
                added_at: &f.added_at,
            },
        )?;
    }
    Ok(())
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A random 128-bit id in hex (a bundle's, a field laptop's installation).
pub(crate) fn random_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// A bundle being made: to whom, from whom, its events and their parts.
pub(crate) struct Outgoing {
    /// The cases the user picked (none: everything the peer has not had).
    only: Vec<String>,
    bundle_id: String,
    me: String,
    peer: surety_store::peers::Peer,
    events: Vec<Event>,
    parts: Vec<(String, Vec<u8>)>,
}

impl Outgoing {
    /// Whether a case (by its number or the laptop's) goes in this bundle.
    pub(crate) fn wants(&self, case_no: &str, key: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|c| c == case_no || c == key)
    }

    /// Puts the files' contents in the bundle (each once).
    pub(crate) fn carry_files(
        &mut self,
        conn: &surety_store::Connection,
        files: &[FilePart],
    ) -> DeskResult<()> {
        for f in files {
            if !self.parts.iter().any(|(n, _)| *n == f.part) {
                let content = stored_files::content(conn, &f.uid)?.unwrap_or_default();
                self.parts.push((f.part.clone(), content));
            }
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
            self.parts.retain(|(name, _)| *name != e.part);
        }
    }

    /// Adds one section of a case as an event with its part. Its id names the sender, the
    /// case and the section — and, when `content_addressed`, the content's hash too, so the
    /// same content is one event however often it is sent and changed content another.
    fn section(&mut self, case_uid: &str, section: &str, bytes: Vec<u8>, content_addressed: bool) {
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
        self.parts.push((part, bytes));
    }
}

impl Outgoing {
    /// Adds a section revision as it stands here: its own id, the revision it was made on.
    fn revision(&mut self, part: RevisionPart, event_id: &str, sha256: &str) {
        let name = format!("{}/{event_id}.json", part.section);
        self.events.push(Event {
            event_id: event_id.to_string(),
            case_uid: part.case_key.clone(),
            section: part.section.clone(),
            base: part.base.clone(),
            hash: sha256.to_string(),
            part: name.clone(),
        });
        self.parts.push((name, part.bytes()));
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

fn refused(code: &str, zh: String, en: String) -> DeskError {
    DeskError::new(code, Some("file"), zh, en)
}

impl Desk {
    /// A bundle to the peer `to` (its installation id), empty yet.
    fn outgoing(&self, to: &str, only: &[String]) -> DeskResult<Outgoing> {
        let conn = self.store.connection();
        let peer = surety_store::peers::by_id(conn, to.trim())?
            .ok_or_else(|| DeskError::not_found("交换数据的机构", "peer installation", to))?;
        let conn = self.store.connection();
        let mut picked = Vec::new();
        for no in only.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            if surety_store::revisions::case_by_shared_key(conn, no)?.is_none() {
                return Err(DeskError::not_found("案件", "case", no));
            }
            picked.push(no.to_string());
        }
        Ok(Outgoing {
            only: picked,
            bundle_id: random_id(),
            me: surety_store::store::meta_value(conn, "installation_id")?.unwrap_or_default(),
            peer,
            events: Vec::new(),
            parts: Vec::new(),
        })
    }

    /// On a field laptop: every application not sent yet, with its intake files, sealed to
    /// the office `to` (a peer's installation id) and written to `out`.
    pub fn export_bundle_to(&mut self, to: &str, out: &Path) -> DeskResult<Exported> {
        self.export_bundle(to, out, &[])
    }

    /// The same for the cases picked (by number, or by the laptop's number): only what
    /// of them the peer has not had. Nothing picked is everything.
    pub fn export_bundle(&mut self, to: &str, out: &Path, only: &[String]) -> DeskResult<Exported> {
        if crate::field::field_prefix(self.store.connection())?.is_none() {
            let partner = self.partner_orgs(to.trim())?;
            if !partner.is_empty() {
                return self.export_to_partner(to, out, &partner, only);
            }
            return self.export_office_word(to, out, only);
        }
        self.require_role(
            &[Role::FieldAgent, Role::Admin],
            "导出数据包",
            "export a bundle",
        )?;
        let mut bundle = self.outgoing(to, only)?;
        let conn = self.store.connection();
        let mut unsent = stored::unsent_intakes(conn)?;
        unsent.retain(|(_, no, _)| bundle.wants(no, no));
        let mut picked = Vec::new();
        for id in stored::field_case_ids(conn)? {
            let no = surety_store::revisions::case_no_of(conn, id)?;
            if bundle.wants(&no, &no) {
                picked.push(id);
            }
        }
        let revisions = self.unsent_revisions(&bundle.peer.installation_id, &picked)?;
        if unsent.is_empty() && revisions.is_empty() {
            return Err(DeskError::invalid(
                "cases",
                "没有尚未发送的申请或修改",
                "there are no applications or changes not sent yet",
            ));
        }
        for (case_id, provisional_no, input_json) in &unsent {
            let file_parts = intake_files(conn, *case_id)?;
            bundle.carry_files(conn, &file_parts)?;
            let body = IntakePart {
                provisional_no: provisional_no.clone(),
                agent: self.user.username.clone(),
                input: serde_json::from_str(input_json).map_err(|e| {
                    surety_store::StoreError::Corrupt(format!("field_intakes {case_id}: {e}"))
                })?,
                files: file_parts,
            };
            // One application's intake is one event, whatever bundle carries it.
            bundle.section(
                provisional_no,
                "intake",
                serde_json::to_vec(&body).expect("an intake part serializes"),
                false,
            );
        }
        let mut cases: Vec<String> = unsent.iter().map(|(_, no, _)| no.clone()).collect();
        let sent = self.add_revisions(&mut bundle, revisions, &mut cases)?;
        // The laptop's whole audit chain goes along: the office keeps it, with its origin.
        let chain = surety_store::audit::chain(self.store.connection())?;
        bundle.parts.push((
            AUDIT_PART.into(),
            serde_json::to_vec(&chain).expect("a chain serializes"),
        ));
        let intakes: Vec<i64> = unsent.iter().map(|(id, _, _)| *id).collect();
        let what = format!(
            "{} applications, {} section changes",
            unsent.len(),
            sent.len()
        );
        self.send(bundle, out, what, &intakes, &sent, cases)
    }

    /// What this installation holds that has not left yet: on a field laptop, the
    /// applications not sent and the site-visit changes no bundle carried yet.
    /// Only the cases the user may read.
    pub fn waiting_to_send(&self) -> DeskResult<Vec<Unsent>> {
        let conn = self.store.connection();
        let readable = |case_no: &str| -> DeskResult<bool> {
            Ok(surety_store::sections::case_by_no(conn, case_no)?
                .is_some_and(|c| self.may_read(&c)))
        };
        let mut out = Vec::new();
        for (_, case_no, _) in stored::unsent_intakes(conn)? {
            if readable(&case_no)? {
                out.push(Unsent {
                    case_no,
                    section: "intake".into(),
                    written_at: None,
                });
            }
        }
        for r in surety_store::revisions::never_sent(conn)? {
            if !readable(&surety_store::revisions::case_no_of(conn, r.case_id)?)? {
                continue;
            }
            let case_no = surety_store::revisions::case_key(conn, r.case_id)?;
            out.push(Unsent {
                case_no,
                section: r.section,
                written_at: Some(r.written_at),
            });
        }
        Ok(out)
    }

    /// At an office: the office's word on every application a laptop sent — the case
    /// number issued, the status, each side's decision — sealed to that laptop (admins).
    fn export_office_word(
        &mut self,
        to: &str,
        out: &Path,
        only: &[String],
    ) -> DeskResult<Exported> {
        self.require_admin(
            "向外勤笔记本导出案件进展",
            "export case progress to a field laptop",
        )?;
        let mut bundle = self.outgoing(to, only)?;
        let mut from_laptop =
            stored::cases_from(self.store.connection(), &bundle.peer.installation_id)?;
        from_laptop.retain(|(no, key)| bundle.wants(no, key));
        if from_laptop.is_empty() {
            return Err(DeskError::invalid(
                "to",
                format!("“{}”没有送来过申请，没有可回传的进展", bundle.peer.name),
                format!(
                    "`{}` has sent no applications: there is no progress to send back",
                    bundle.peer.name
                ),
            ));
        }
        let mut cases = Vec::new();
        let mut ids = Vec::new();
        for (case_no, provisional_no) in &from_laptop {
            let view = self.case_show(case_no)?;
            ids.push(self.case(case_no)?.id);
            let word = OfficePart {
                provisional_no: provisional_no.clone(),
                case_no: case_no.clone(),
                status: serde_json::to_value(view.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                decisions: serde_json::to_value(&view.decisions).expect("decisions serialize"),
                // As of the case's last recorded change: while nothing changes at the
                // office, the word is the same bytes and so the same event.
                as_of: view
                    .timeline
                    .last()
                    .map(|e| e.at.clone())
                    .unwrap_or_default(),
            };
            // Content-addressed: the same word twice is one event, a changed one another.
            bundle.section(
                provisional_no,
                "office",
                serde_json::to_vec(&word).expect("an office part serializes"),
                true,
            );
            cases.push(case_no.clone());
        }
        let revisions = self.unsent_revisions(&bundle.peer.installation_id, &ids)?;
        let mut changed = Vec::new();
        let sent = self.add_revisions(&mut bundle, revisions, &mut changed)?;
        let what = format!(
            "progress of {} applications, {} section changes",
            cases.len(),
            sent.len()
        );
        self.send(bundle, out, what, &[], &sent, cases)
    }

    /// At an office: to a partner office, the cases they share and this office's sides'
    /// steps on them that the partner has not had, with every site-visit change (admins).
    fn export_to_partner(
        &mut self,
        to: &str,
        out: &Path,
        orgs: &[String],
        only: &[String],
    ) -> DeskResult<Exported> {
        self.require_admin("向合作机构导出案件", "export cases to a partner office")?;
        let mut bundle = self.outgoing(to, only)?;
        let mut cases = Vec::new();
        let mut events = self.partner_events(&mut bundle, orgs, &mut cases)?;
        let ids: Vec<i64> = surety_store::partners::shared_cases(self.store.connection(), orgs)?
            .into_iter()
            .filter(|(_, no)| bundle.wants(no, no))
            .map(|(id, _)| id)
            .collect();
        let revisions = self.unsent_revisions(&bundle.peer.installation_id, &ids)?;
        let sent = self.add_revisions(&mut bundle, revisions, &mut cases)?;
        if events.is_empty() && sent.is_empty() {
            return Err(DeskError::invalid(
                "to",
                format!("没有“{}”尚未收到的案件或修改", bundle.peer.name),
                format!("there is nothing `{}` has not had yet", bundle.peer.name),
            ));
        }
        let what = format!(
            "{} cases' steps and intakes, {} section changes",
            cases.len(),
            sent.len()
        );
        events.extend(sent);
        self.send(bundle, out, what, &[], &events, cases)
    }

    /// Seals a bundle to its peer, writes it where the user chose (a disclosure on the
    /// record), and then records what left: the laptop's applications sent (`intakes`) and
    /// every other event as sent to that peer, in one bookkeeping write.
    fn send(
        &mut self,
        bundle: Outgoing,
        out: &Path,
        what: String,
        intakes: &[i64],
        events: &[String],
        cases: Vec<String>,
    ) -> DeskResult<Exported> {
        let files = bundle
            .parts
            .iter()
            .filter(|(n, _)| n.starts_with("files/"))
            .count() as u32;
        let bundle_id = bundle.bundle_id.clone();
        let peer = bundle.peer.installation_id.clone();
        let printed = self.seal_and_deliver(bundle, out, format!("{what}, {files} files"))?;
        let at = now();
        self.store.write_bookkeeping(|tx| {
            for case_id in intakes {
                stored::mark_sent(tx, *case_id, &bundle_id, &at)?;
            }
            for id in events {
                stored::mark_event_sent(tx, id, &peer, &bundle_id, &at)?;
            }
            Ok(())
        })?;
        Ok(Exported {
            path: printed.path.display().to_string(),
            bundle_id,
            cases,
            files,
            bytes: printed.bytes,
        })
    }

    /// Revisions of these cases the peer does not have yet, each with its case's key.
    fn unsent_revisions(
        &self,
        peer: &str,
        case_ids: &[i64],
    ) -> DeskResult<Vec<surety_store::revisions::Revision>> {
        Ok(surety_store::revisions::unsent(
            self.store.connection(),
            peer,
            case_ids,
        )?)
    }

    /// Puts revisions in the bundle (their cases named in `cases`); returns their ids.
    fn add_revisions(
        &self,
        bundle: &mut Outgoing,
        revisions: Vec<surety_store::revisions::Revision>,
        cases: &mut Vec<String>,
    ) -> DeskResult<Vec<String>> {
        let conn = self.store.connection();
        let mut sent = Vec::new();
        for r in revisions {
            let key = surety_store::revisions::case_key(conn, r.case_id)?;
            let case_no = surety_store::revisions::case_no_of(conn, r.case_id)?;
            if !cases.contains(&case_no) {
                cases.push(case_no);
            }
            bundle.revision(RevisionPart::of(&r, key), &r.event_id, &r.sha256);
            sent.push(r.event_id);
        }
        Ok(sent)
    }

    /// Signs and seals a bundle to its peer and writes it where the user chose (a
    /// disclosure on the record: `what` says what left).
    fn seal_and_deliver(
        &mut self,
        bundle: Outgoing,
        out: &Path,
        what: String,
    ) -> DeskResult<crate::printing::Printed> {
        let identity = crate::sync::identity_in_conn(self.store.connection())?;
        let Outgoing {
            only: _,
            bundle_id,
            me,
            peer,
            events,
            parts,
        } = bundle;
        let manifest = Manifest {
            format: surety_bundle::FORMAT,
            bundle_id: bundle_id.clone(),
            sender_installation: me,
            sender_key: String::new(),
            recipient_installation: peer.installation_id.clone(),
            created_at: now(),
            events,
            parts: vec![],
        };
        let sealed = surety_bundle::seal(manifest, &parts, &identity, &peer.seal_recipient)
            .map_err(|e| {
                refused(
                    "BUNDLE_DAMAGED",
                    format!("无法生成数据包：{e}"),
                    e.to_string(),
                )
            })?;
        self.deliver(
            out,
            &sealed,
            ("bundle.exported", "installation", &peer.installation_id),
            format!("bundle {bundle_id}: {what}, to `{}`", peer.name),
        )
    }

    /// At the office: opens a bundle and says what it holds and what becomes of each
    /// application (`apply: false`), or takes them in (`apply: true`).
    pub fn import_bundle(&mut self, bytes: &[u8], apply: bool) -> DeskResult<ImportReport> {
        self.import_bundle_with(bytes, apply, &mut |_, _, _| {})
    }

    /// The same, saying after each event how far it got (done, total, case): a thousand
    /// applications with their photos take half a minute.
    pub fn import_bundle_with(
        &mut self,
        bytes: &[u8],
        apply: bool,
        progress: &mut dyn FnMut(usize, usize, &str),
    ) -> DeskResult<ImportReport> {
        self.require_role(
            &[
                Role::Admin,
                Role::BankOfficer,
                Role::Underwriter,
                Role::FieldAgent,
            ],
            "导入数据包",
            "import a bundle",
        )?;
        let on_laptop = crate::field::field_prefix(self.store.connection())?.is_some();
        let wanted = if on_laptop { "office" } else { "intake" };
        let conn = self.store.connection();
        let secret = surety_store::store::meta_value(conn, surety_store::peers::SEAL_KEY)?
            .ok_or_else(|| surety_store::StoreError::Corrupt("meta: no bundle key".into()))?;
        let key = crate::peers::seal_key_from(&secret)?;
        let opened = surety_bundle::open(bytes, &key, MAX_BUNDLE_BYTES).map_err(|e| match e {
            surety_bundle::BundleError::NotForUs => refused(
                "BUNDLE_NOT_FOR_US",
                "这个数据包是发给另一个机构的，本机无法打开".into(),
                "this bundle was sealed to another installation: it cannot be opened here".into(),
            ),
            other => refused(
                "BUNDLE_DAMAGED",
                format!("数据包已损坏、不完整或被改动，未导入任何内容：{other}"),
                format!(
                    "the bundle is damaged, incomplete or changed; nothing was taken in: {other}"
                ),
            ),
        })?;
        let m = &opened.manifest;
        let me = surety_store::store::meta_value(conn, "installation_id")?.unwrap_or_default();
        if m.recipient_installation != me {
            return Err(refused(
                "BUNDLE_NOT_FOR_US",
                "这个数据包是发给另一个机构的".into(),
                "this bundle is addressed to another installation".into(),
            ));
        }
        let peer = surety_store::peers::by_signing_key(conn, &m.sender_key)?
            .filter(|p| p.installation_id == m.sender_installation)
            .ok_or_else(|| {
                refused(
                    "BUNDLE_UNKNOWN_SENDER",
                    "数据包的发送方未在本机登记（设置 → 交换数据的机构）".into(),
                    "the bundle's sender is not registered here as a peer".into(),
                )
            })?;
        // Every event is checked before anything is applied.
        let mut plan = Vec::new();
        for e in &m.events {
            let partner_section = !on_laptop
                && (e.section == crate::partners::CASE || e.section == crate::partners::STEP);
            if e.section != wanted && e.section != crate::site_visits::SECTION && !partner_section {
                return Err(refused(
                    "BUNDLE_DAMAGED",
                    format!("数据包含有本程序尚不能导入的内容（{}）", e.section),
                    format!(
                        "the bundle holds a section this program cannot take in yet ({})",
                        e.section
                    ),
                ));
            }
            let part = opened.part(&e.part).ok_or_else(|| {
                refused(
                    "BUNDLE_DAMAGED",
                    "数据包缺少内容".into(),
                    "a part of the bundle is missing".into(),
                )
            })?;
            let body = Incoming::parse(&e.section, part).map_err(|err| {
                refused(
                    "BUNDLE_DAMAGED",
                    format!("数据包内容无法读取：{err}"),
                    format!("a part cannot be read: {err}"),
                )
            })?;
            if let Incoming::Revision(rev) = &body {
                // The event's hash is the revision's identity: it must be the part's.
                if rev.sha256() != e.hash || surety_bundle::sha256_hex(part) != e.hash {
                    return Err(refused(
                        "BUNDLE_DAMAGED",
                        "数据包中的一项修改与其校验值不符".into(),
                        "a change in the bundle does not match its hash".into(),
                    ));
                }
            }
            let conn = self.store.connection();
            let mut before = stored::event(conn, &e.event_id)?;
            // A revision written here or waiting in the backlog is known too.
            if before.is_none() {
                if let Some(r) = surety_store::revisions::by_id(conn, &e.event_id)? {
                    before = Some((r.sha256, "taken".into(), None));
                } else if let Some(sha) = surety_store::revisions::waiting(conn, &e.event_id)? {
                    before = Some((sha, "waiting".into(), None));
                }
            }
            if let Some((sha, _, _)) = &before {
                if *sha != e.hash {
                    return Err(refused(
                        "BUNDLE_REPLAYED",
                        format!("申请 {} 的一项内容此前已以不同内容导入：整个数据包不予导入", body.provisional_no()),
                        format!(
                            "an event of application {} was taken in before with other content: the whole bundle is refused",
                            body.provisional_no()
                        ),
                    ));
                }
            }
            plan.push((e.clone(), body, before));
        }
        let mut lines = Vec::new();
        let total = plan.len();
        for (n, (event, body, before)) in plan.into_iter().enumerate() {
            progress(n, total, body.provisional_no());
            let files = body.files();
            if let Some((_, outcome, case_no)) = before {
                lines.push(ImportLine {
                    provisional_no: body.provisional_no().to_string(),
                    section: event.section.clone(),
                    outcome: match outcome.as_str() {
                        "taken" | "conflict" => "already".into(),
                        _ => outcome,
                    },
                    case_no,
                    reason_zh: None,
                    reason_en: None,
                    files,
                });
                continue;
            }
            if !apply {
                let mut line = self.preview_line(&peer.installation_id, &event, &body)?;
                // A change to an application that comes in the same bundle goes in with it.
                if line.outcome == "waiting"
                    && lines.iter().any(|l: &ImportLine| {
                        l.section == "intake"
                            && l.outcome == "new"
                            && l.provisional_no == line.provisional_no
                    })
                {
                    line.outcome = "update".into();
                    line.reason_zh = None;
                    line.reason_en = None;
                }
                lines.push(line);
                continue;
            }
            let line = match &body {
                Incoming::Intake(intake) => {
                    self.take_in(&peer.installation_id, &m.bundle_id, &event, intake, &opened)
                }
                Incoming::Office(word) => {
                    self.take_office_word(&peer.installation_id, &m.bundle_id, &event, word)?
                }
                Incoming::Revision(rev) => self.take_revision(
                    &peer.installation_id,
                    &m.bundle_id,
                    &event.event_id,
                    &event.hash,
                    rev,
                )?,
                Incoming::Case(case) => self.take_partner_case(
                    &peer.installation_id,
                    &m.bundle_id,
                    &event,
                    case,
                    &opened,
                )?,
                Incoming::Step(step) => self.take_partner_step(
                    &peer.installation_id,
                    &m.bundle_id,
                    &event.event_id,
                    &event.hash,
                    step,
                )?,
            };
            lines.push(line);
        }
        let audit_chain = if on_laptop {
            None
        } else {
            self.take_peer_chain(&peer, &opened, apply)?
        };
        if apply {
            // What waited for this bundle's cases or revisions may go in now.
            let moved = self.retry_backlog()?;
            lines.extend(moved.into_iter().map(|mut l| {
                l.outcome = format!("{} (backlog)", l.outcome);
                l
            }));
        }
        if apply {
            let actor = self.actor();
            let taken = lines.iter().filter(|l| l.outcome == "taken").count();
            let refused_n = lines.iter().filter(|l| l.outcome == "refused").count();
            self.store.write(&actor, "bundle.imported", |_| {
                Ok((
                    (),
                    AuditNote::new(
                        "installation",
                        &peer.installation_id,
                        format!(
                            "bundle {} from `{}`: {taken} applications taken in, {refused_n} refused",
                            m.bundle_id, peer.name
                        ),
                    ),
                ))
            })?;
        }
        Ok(ImportReport {
            bundle_id: m.bundle_id.clone(),
            from_installation: peer.installation_id,
            from_name: peer.name,
            applied: apply,
            lines,
            audit_chain,
        })
    }

    /// At the office: a laptop's audit chain, kept with its origin if it continues the copy
    /// kept so far (an older bundle's is already known; a rewritten one is refused).
    fn take_peer_chain(
        &mut self,
        peer: &surety_store::peers::Peer,
        opened: &surety_bundle::Opened,
        apply: bool,
    ) -> DeskResult<Option<ImportLine>> {
        use surety_store::audit::{self, PeerChain};
        let Some(part) = opened.part(AUDIT_PART) else {
            return Ok(None);
        };
        let incoming: Vec<audit::ChainEntry> = serde_json::from_slice(part).map_err(|e| {
            refused(
                "BUNDLE_DAMAGED",
                format!("审计日志无法读取：{e}"),
                format!("the audit chain cannot be read: {e}"),
            )
        })?;
        let origin = peer.installation_id.clone();
        let kept = audit::peer_chain(self.store.connection(), &origin)?;
        let compared = audit::compare_peer_chain(&kept, &incoming);
        let mut line = ImportLine {
            provisional_no: String::new(),
            section: "audit".into(),
            outcome: "already".into(),
            case_no: None,
            reason_zh: None,
            reason_en: None,
            files: 0,
        };
        match compared {
            PeerChain::Known => {}
            PeerChain::Broken { at } => {
                line.outcome = "refused".into();
                line.reason_zh = Some(format!(
                    "“{}”的审计日志在第 {} 条与本机保存的不一致或无法校验：未保存，请核查该笔记本",
                    peer.name,
                    at + 1
                ));
                line.reason_en = Some(format!(
                    "`{}`'s audit chain does not verify or differs from the copy kept here at entry {}: not kept; check the laptop",
                    peer.name,
                    at + 1
                ));
            }
            PeerChain::Extends { new } => {
                line.outcome = if apply { "taken" } else { "update" }.into();
                line.files = new as u32;
                if apply {
                    let actor = self.actor();
                    let head = incoming.last().map(|e| e.hash.clone()).unwrap_or_default();
                    let name = peer.name.clone();
                    self.store.write(&actor, "installation.peer_audit", |tx| {
                        // The copy read again inside the write: another import may have
                        // kept more of the chain meanwhile.
                        let kept = audit::peer_chain(tx, &origin)?;
                        if let PeerChain::Broken { .. } = audit::compare_peer_chain(&kept, &incoming) {
                            return Err(surety_store::StoreError::invalid(
                                "file",
                                "对方的审计日志刚被另一次导入改变，请重新导入",
                                "the sender's audit chain kept here changed meanwhile: import again",
                            ));
                        }
                        audit::append_peer_chain(tx, &origin, kept.len(), &incoming)?;
                        Ok((
                            (),
                            AuditNote::new(
                                "installation",
                                &origin,
                                format!(
                                    "`{name}`'s audit chain: {new} entries kept ({} in all, head {head})",
                                    incoming.len()
                                ),
                            ),
                        ))
                    })?;
                }
            }
        }
        Ok(Some(line))
    }

    /// What an event would do, for the preview: a new application, the office's word, or
    /// a revision taken, in conflict, waiting or refused.
    fn preview_line(&self, from: &str, event: &Event, body: &Incoming) -> DeskResult<ImportLine> {
        let mut line = ImportLine {
            provisional_no: body.provisional_no().to_string(),
            section: event.section.clone(),
            outcome: "new".into(),
            case_no: None,
            reason_zh: None,
            reason_en: None,
            files: body.files(),
        };
        if let Incoming::Revision(rev) = body {
            let merge = self.preview_revision(from, &event.event_id, &event.hash, rev)?;
            line.outcome = match merge.outcome() {
                "taken" => "update".into(),
                other => other.into(),
            };
            if let crate::merge::Merge::Refuse(e) = &merge {
                line.reason_zh = Some(e.message_zh.clone());
                line.reason_en = Some(e.message_en.clone());
            }
        }
        Ok(line)
    }

    /// On the laptop: records the office's word on one of its applications (one
    /// transaction, one audit entry on the case).
    fn take_office_word(
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
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "the office's word (bundle {bundle_id}): case {}, {}",
                        word.case_no, word.status
                    ),
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
    fn take_in(
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
            crate::partners::CASE
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
                    format!("申请内容无法读取：{err}"),
                    format!("the application cannot be read: {err}"),
                )
            })?;
            let agent = agent?;
            let mut files = Vec::new();
            for f in &body.files {
                let content = opened.part(&f.part).unwrap_or_default().to_vec();
                let inspected = images::inspect(&content).map_err(|err| {
                    DeskError::invalid(
                        "file",
                        format!("附件“{}”无法使用：{err}", f.file_name),
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
}
