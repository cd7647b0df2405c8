use super::wire::*;
use crate::desk::error::DeskResult;
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use surety_bundle::Event;
use surety_store::AuditNote;

impl Desk {
    /// At the office: a laptop's audit chain, kept with its origin if it continues the copy
    /// kept so far (an older bundle's is already known; a rewritten one is refused).
    pub(crate) fn take_peer_chain(
        &mut self,
        peer: &surety_store::peers::Peer,
        opened: &surety_bundle::Opened,
        apply: bool,
    ) -> DeskResult<Option<ImportLine>> {
        use surety_store::audit::{self, PeerChain};
        let Some(part) = opened
            .part(AUDIT_PART)
            .map_err(|e| super::import::damaged_part(&e))?
        else {
            return Ok(None);
        };
        let incoming: Vec<audit::ChainEntry> = serde_json::from_slice(&part).map_err(|e| {
            refused(
                ErrorCode::BundleDamaged,
                format!("审计日志无法读取：{}", crate::desk::error::FORM_ZH),
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
    pub(crate) fn preview_line(
        &self,
        from: &str,
        event: &Event,
        body: &Incoming,
    ) -> DeskResult<ImportLine> {
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
            if let crate::exchange::merge::Merge::Refuse(e) = &merge {
                line.reason_zh = Some(e.message_zh.clone());
                line.reason_en = Some(e.message_en.clone());
            }
        }
        Ok(line)
    }
}
