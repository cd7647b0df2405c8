use super::wire::*;
use crate::desk::error::DeskResult;
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use surety_store::bundles::{self as stored};
use surety_store::{AuditNote, Role};

impl Desk {
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
        let on_laptop =
            crate::origination::numbering::field_prefix(self.store.connection())?.is_some();
        let wanted = if on_laptop { "office" } else { "intake" };
        let conn = self.store.connection();
        let secret = surety_store::store::meta_value(conn, surety_store::peers::SEAL_KEY)?
            .ok_or_else(|| surety_store::StoreError::Corrupt("meta: no bundle key".into()))?;
        let key = crate::installation::keys::seal_key_from(&secret)?;
        let opened = surety_bundle::open(bytes, &key, MAX_BUNDLE_BYTES).map_err(|e| match e {
            surety_bundle::BundleError::NotForUs => refused(
                ErrorCode::BundleNotForUs,
                "这个数据包是发给另一个机构的，本机无法打开".into(),
                "this bundle was sealed to another installation: it cannot be opened here".into(),
            ),
            other => refused(
                ErrorCode::BundleDamaged,
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
        // Every event is checked before anything is applied.
        let mut plan = Vec::new();
        for e in &m.events {
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
            let part = opened.part(&e.part).ok_or_else(|| {
                refused(
                    ErrorCode::BundleDamaged,
                    "数据包缺少内容".into(),
                    "a part of the bundle is missing".into(),
                )
            })?;
            let body = Incoming::parse(&e.section, part).map_err(|err| {
                refused(
                    ErrorCode::BundleDamaged,
                    format!("数据包内容无法读取：{err}"),
                    format!("a part cannot be read: {err}"),
                )
            })?;
            if let Incoming::Revision(rev) = &body {
                // The event's hash is the revision's identity: it must be the part's.
                if rev.sha256() != e.hash || surety_bundle::sha256_hex(part) != e.hash {
                    return Err(refused(
                        ErrorCode::BundleDamaged,
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
                        ErrorCode::BundleReplayed,
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
}
