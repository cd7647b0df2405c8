use super::wire::*;
use crate::desk::error::DeskResult;
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use surety_bundle::{Event, Opened};
use surety_store::bundles::{self as stored};
use surety_store::peers::Peer;
use surety_store::{AuditNote, Role};

/// What this installation already holds of an event: its hash, what became of it, the case.
type KnownEvent = (String, String, Option<String>);

/// An event of the bundle read and checked, with what is known of it already.
type Planned = (Event, Incoming, Option<KnownEvent>);

impl Desk {
    /// At the office: opens a bundle and says what it holds and what becomes of each
    /// application (`apply: false`), or takes them in (`apply: true`).
    pub fn import_bundle(&mut self, bytes: &[u8], apply: bool) -> DeskResult<ImportReport> {
        self.import_bundle_with(bytes, apply, &mut |_, _, _| {})
    }

    /// The same, saying how far it got (done, total, case): first each part checked
    /// (case ""), then each event taken in. A thousand applications with their photos take
    /// half a minute.
    pub fn import_bundle_with(
        &mut self,
        bytes: &[u8],
        apply: bool,
        progress: &mut dyn FnMut(usize, usize, &str),
    ) -> DeskResult<ImportReport> {
        self.may_take_bundles()?;
        let size = bytes.len() as u64;
        self.import_from(std::io::Cursor::new(bytes), size, apply, progress)
    }

    /// The same from the bundle file at `path`, read as a stream: a bundle of a gigabyte
    /// is taken in with a few megabytes of memory.
    pub fn import_bundle_file(
        &mut self,
        path: &std::path::Path,
        apply: bool,
        progress: &mut dyn FnMut(usize, usize, &str),
    ) -> DeskResult<ImportReport> {
        self.may_take_bundles()?;
        let (file, size) = crate::desk::bounded::open_bundle(path)?;
        self.import_from(file, size, apply, progress)
    }

    fn may_take_bundles(&self) -> DeskResult<()> {
        self.require_role(
            &[
                Role::Admin,
                Role::BankOfficer,
                Role::Underwriter,
                Role::FieldAgent,
            ],
            "导入数据包",
            "import a bundle",
        )
    }

    fn import_from(
        &mut self,
        sealed: impl surety_bundle::Source,
        size: u64,
        apply: bool,
        progress: &mut dyn FnMut(usize, usize, &str),
    ) -> DeskResult<ImportReport> {
        let on_laptop =
            crate::origination::numbering::field_prefix(self.store.connection())?.is_some();
        let (opened, peer) =
            self.open_bundle(sealed, size, &mut |done, total| progress(done, total, ""))?;
        let sender = self.sender_of(&peer, on_laptop)?;
        // Every event is checked before anything is applied.
        let plan = self.plan_events(&opened, on_laptop)?;
        if !on_laptop {
            self.may_import(&plan.iter().map(|(_, body, _)| body).collect::<Vec<_>>())?;
        }
        let mut lines = Vec::new();
        let total = plan.len();
        for (n, (event, body, before)) in plan.into_iter().enumerate() {
            let not_theirs = before
                .is_none()
                .then(|| self.not_the_senders(&sender, &event.section, &body))
                .flatten();
            let line = match (before, not_theirs) {
                (Some((_, outcome, case_no)), _) => known_line(&event, &body, outcome, case_no),
                (None, Some(e)) => self.refuse_event(&peer, &opened, &event, &body, &e, apply)?,
                (None, None) if !apply => self.preview_in_bundle(&peer, &event, &body, &lines)?,
                (None, None) => self.take_event(&peer, &opened, &event, &body)?,
            };
            progress(n + 1, total, body.provisional_no());
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
            self.record_bundle_imported(&peer, &opened.manifest.bundle_id, &lines)?;
        }
        Ok(ImportReport {
            bundle_id: opened.manifest.bundle_id.clone(),
            from_installation: peer.installation_id,
            from_name: peer.name,
            applied: apply,
            lines,
            audit_chain,
        })
    }

    /// The bundle opened with this installation's key, addressed to it and signed by a
    /// registered peer; anything else is refused before a part is read.
    fn open_bundle<'b>(
        &self,
        sealed: impl surety_bundle::Source + 'b,
        size: u64,
        progress: &mut dyn FnMut(usize, usize),
    ) -> DeskResult<(Opened<'b>, Peer)> {
        let conn = self.store.connection();
        let secret = surety_store::store::meta_value(conn, surety_store::peers::SEAL_KEY)?
            .ok_or_else(|| surety_store::StoreError::Corrupt("meta: no bundle key".into()))?;
        let key = crate::installation::keys::seal_key_from(&secret)?;
        let opened = surety_bundle::open_stream(sealed, size, &key, MAX_BUNDLE_BYTES, progress)
            .map_err(|e| match e {
                surety_bundle::BundleError::NotForUs => refused(
                    ErrorCode::BundleNotForUs,
                    "这个数据包是发给另一个机构的，本机无法打开".into(),
                    "this bundle was sealed to another installation: it cannot be opened here"
                        .into(),
                ),
                other => refused(
                    ErrorCode::BundleDamaged,
                    format!("{}，未导入任何内容", other.reason_zh()),
                    format!(
                    "the bundle is damaged, incomplete or changed; nothing was taken in: {other}"
                ),
                ),
            })?;
        let m = &opened.manifest;
        let me = surety_store::store::meta_value(conn, "installation_id")?.unwrap_or_default();
        if m.recipient_installation != me {
            return Err(refused(
                ErrorCode::BundleNotForUs,
                "这个数据包是发给另一个机构的".into(),
                "this bundle is addressed to another installation".into(),
            ));
        }
        let peer = surety_store::peers::by_signing_key(conn, &m.sender_key)?
            .filter(|p| p.installation_id == m.sender_installation)
            .ok_or_else(|| {
                refused(
                    ErrorCode::BundleUnknownSender,
                    "数据包的发送方未在本机登记（设置 → 交换数据的机构）".into(),
                    "the bundle's sender is not registered here as a peer".into(),
                )
            })?;
        Ok((opened, peer))
    }

    /// Every event of the bundle read and checked, and what this installation already
    /// holds of it: one bad event refuses the whole bundle before anything is applied.
    fn plan_events(&self, opened: &Opened, on_laptop: bool) -> DeskResult<Vec<Planned>> {
        let wanted = if on_laptop { "office" } else { "intake" };
        let mut plan = Vec::new();
        for e in &opened.manifest.events {
            let partner_section = !on_laptop
                && (e.section == crate::exchange::partners::CASE
                    || e.section == crate::exchange::partners::STEP);
            if e.section != wanted
                && e.section != crate::exchange::site_visits::SECTION
                && !partner_section
            {
                return Err(refused(
                    ErrorCode::BundleDamaged,
                    format!("数据包含有本程序尚不能导入的内容（{}）", e.section),
                    format!(
                        "the bundle holds a section this program cannot take in yet ({})",
                        e.section
                    ),
                ));
            }
            let body = read_event(opened, e)?;
            let before = self.known_event(e, &body)?;
            plan.push((e.clone(), body, before));
        }
        Ok(plan)
    }

    /// What this installation holds of an event already (taken, or a revision written here
    /// or waiting in the backlog); a known event with other content refuses the bundle.
    fn known_event(&self, e: &Event, body: &Incoming) -> DeskResult<Option<KnownEvent>> {
        let conn = self.store.connection();
        let mut before = stored::event(conn, &e.event_id)?;
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
                    ErrorCode::BundleReplayed,
                    format!(
                        "申请 {} 的一项内容此前已以不同内容导入：整个数据包不予导入",
                        body.provisional_no()
                    ),
                    format!(
                        "an event of application {} was taken in before with other content: the whole bundle is refused",
                        body.provisional_no()
                    ),
                ));
            }
        }
        Ok(before)
    }

    /// The preview of an event; a change to an application that comes in the same bundle
    /// goes in with it.
    fn preview_in_bundle(
        &self,
        peer: &Peer,
        event: &Event,
        body: &Incoming,
        so_far: &[ImportLine],
    ) -> DeskResult<ImportLine> {
        let mut line = self.preview_line(&peer.installation_id, event, body)?;
        if line.outcome == "waiting"
            && so_far.iter().any(|l| {
                l.section == "intake"
                    && l.outcome == "new"
                    && l.provisional_no == line.provisional_no
            })
        {
            line.outcome = "update".into();
            line.reason_zh = None;
            line.reason_en = None;
        }
        Ok(line)
    }

    /// An event that is not its sender's to say: listed with the reason, nothing of it
    /// written; remembered when applying, so the same bundle again says so at once.
    fn refuse_event(
        &mut self,
        peer: &Peer,
        opened: &Opened,
        event: &Event,
        body: &Incoming,
        e: &crate::desk::error::DeskError,
        apply: bool,
    ) -> DeskResult<ImportLine> {
        if apply {
            // A partner's case is remembered by its number: its later steps are refused too.
            let case_no = match body {
                Incoming::Case(c) => Some(c.case_no.as_str()),
                _ => None,
            };
            self.remember_outcome(
                &peer.installation_id,
                &opened.manifest.bundle_id,
                &event.event_id,
                &event.hash,
                &format!("refused: {}", e.message_en),
                case_no,
            )?;
        }
        Ok(ImportLine {
            provisional_no: body.provisional_no().to_string(),
            section: event.section.clone(),
            outcome: "refused".into(),
            case_no: None,
            reason_zh: Some(e.message_zh.clone()),
            reason_en: Some(e.message_en.clone()),
            files: body.files(),
        })
    }

    /// One event taken in by the step that owns it.
    fn take_event(
        &mut self,
        peer: &Peer,
        opened: &Opened,
        event: &Event,
        body: &Incoming,
    ) -> DeskResult<ImportLine> {
        let from = &peer.installation_id;
        let bundle_id = &opened.manifest.bundle_id;
        Ok(match body {
            Incoming::Intake(intake) => self.take_in(from, bundle_id, event, intake, opened),
            Incoming::Office(word) => self.take_office_word(from, bundle_id, event, word)?,
            Incoming::Revision(rev) => {
                self.take_revision(from, bundle_id, &event.event_id, &event.hash, rev)?
            }
            Incoming::Case(case) => self.take_partner_case(from, bundle_id, event, case, opened)?,
            Incoming::Step(step) => {
                self.take_partner_step(from, bundle_id, &event.event_id, &event.hash, step)?
            }
        })
    }

    /// The import on the record: from whom, which bundle, how many taken and refused.
    fn record_bundle_imported(
        &mut self,
        peer: &Peer,
        bundle_id: &str,
        lines: &[ImportLine],
    ) -> DeskResult<()> {
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
                        "bundle {bundle_id} from `{}`: {taken} applications taken in, {refused_n} refused",
                        peer.name
                    ),
                ),
            ))
        })?;
        Ok(())
    }
}

/// An event's part read as its section says; a revision's hash must be its part's.
fn read_event(opened: &Opened, e: &Event) -> DeskResult<Incoming> {
    let part = opened
        .part(&e.part)
        .map_err(|err| damaged_part(&err))?
        .ok_or_else(|| {
            refused(
                ErrorCode::BundleDamaged,
                "数据包缺少内容".into(),
                "a part of the bundle is missing".into(),
            )
        })?;
    let body = Incoming::parse(&e.section, &part).map_err(|err| {
        refused(
            ErrorCode::BundleDamaged,
            format!("数据包内容无法读取：{}", crate::desk::error::FORM_ZH),
            format!("a part cannot be read: {err}"),
        )
    })?;
    if let Incoming::Revision(rev) = &body {
        // The event's hash is the revision's identity: it must be the part's.
        if rev.sha256() != e.hash || surety_bundle::sha256_hex(&part) != e.hash {
            return Err(refused(
                ErrorCode::BundleDamaged,
                "数据包中的一项修改与其校验值不符".into(),
                "a change in the bundle does not match its hash".into(),
            ));
        }
    }
    Ok(body)
}

/// An event taken in before: said again, never applied again.
fn known_line(
    event: &Event,
    body: &Incoming,
    outcome: String,
    case_no: Option<String>,
) -> ImportLine {
    ImportLine {
        provisional_no: body.provisional_no().to_string(),
        section: event.section.clone(),
        outcome: match outcome.as_str() {
            "taken" | "conflict" => "already".into(),
            _ => outcome,
        },
        case_no,
        reason_zh: None,
        reason_en: None,
        files: body.files(),
    }
}

/// A part that could not be read again from the bundle file (changed or cut since it was
/// opened): nothing of the bundle is taken.
pub(crate) fn damaged_part(e: &surety_bundle::BundleError) -> crate::desk::error::DeskError {
    refused(
        ErrorCode::BundleDamaged,
        format!("{}，未导入任何内容", e.reason_zh()),
        format!("the bundle changed while it was read; nothing was taken in: {e}"),
    )
}
