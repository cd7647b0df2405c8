use super::wire::*;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::ids::{now, random_id};
use crate::desk::Desk;
use crate::exchange::merge::RevisionPart;
use std::path::Path;
use surety_bundle::{BundleError, Manifest};
use surety_store::attachments as stored_files;
use surety_store::bundles::{self as stored};
use surety_store::Role;

impl Desk {
    /// A bundle to the peer `to` (its installation id), empty yet.
    pub(crate) fn outgoing(&self, to: &str, only: &[String]) -> DeskResult<Outgoing> {
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
        self.export_bundle_with(to, out, only, &mut |_, _| {})
    }

    /// The same, saying after each part sealed how far it got (done, total): a thousand
    /// applications with their photos are a gigabyte.
    pub fn export_bundle_with(
        &mut self,
        to: &str,
        out: &Path,
        only: &[String],
        progress: &mut dyn FnMut(usize, usize),
    ) -> DeskResult<Exported> {
        if crate::origination::numbering::field_prefix(self.store.connection())?.is_none() {
            let partner = self.partner_orgs(to.trim())?;
            if !partner.is_empty() {
                return self.export_to_partner(to, out, &partner, only, progress);
            }
            return self.export_office_word(to, out, only, progress);
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
        bundle.parts.push(OutPart::bytes(
            AUDIT_PART.into(),
            serde_json::to_vec(&chain).expect("a chain serializes"),
        ));
        let intakes: Vec<i64> = unsent.iter().map(|(id, _, _)| *id).collect();
        let what = format!(
            "{} applications, {} section changes",
            unsent.len(),
            sent.len()
        );
        self.send(bundle, out, what, (&intakes, &sent), cases, progress)
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
    pub(crate) fn export_office_word(
        &mut self,
        to: &str,
        out: &Path,
        only: &[String],
        progress: &mut dyn FnMut(usize, usize),
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
        self.send(bundle, out, what, (&[], &sent), cases, progress)
    }

    /// At an office: to a partner office, the cases they share and this office's sides'
    /// steps on them that the partner has not had, with every site-visit change (admins).
    pub(crate) fn export_to_partner(
        &mut self,
        to: &str,
        out: &Path,
        orgs: &[String],
        only: &[String],
        progress: &mut dyn FnMut(usize, usize),
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
        self.send(bundle, out, what, (&[], &events), cases, progress)
    }

    /// Seals a bundle to its peer, writes it where the user chose (a disclosure on the
    /// record), and then records what left: the laptop's applications sent (`intakes`) and
    /// every other event as sent to that peer, in one bookkeeping write.
    pub(crate) fn send(
        &mut self,
        bundle: Outgoing,
        out: &Path,
        what: String,
        (intakes, events): (&[i64], &[String]),
        cases: Vec<String>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> DeskResult<Exported> {
        let files = bundle
            .parts
            .iter()
            .filter(|p| p.name().starts_with("files/"))
            .count() as u32;
        let bundle_id = bundle.bundle_id.clone();
        let peer = bundle.peer.installation_id.clone();
        let printed =
            self.seal_and_deliver(bundle, out, format!("{what}, {files} files"), progress)?;
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
    pub(crate) fn unsent_revisions(
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
    pub(crate) fn add_revisions(
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
    /// disclosure on the record: `what` says what left), one part at a time.
    pub(crate) fn seal_and_deliver(
        &mut self,
        bundle: Outgoing,
        out: &Path,
        what: String,
        progress: &mut dyn FnMut(usize, usize),
    ) -> DeskResult<crate::case_file::printing::Printed> {
        let identity = crate::installation::keys::identity_in_conn(self.store.connection())?;
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
        let (listed, mut bodies): (Vec<_>, Vec<_>) =
            parts.into_iter().map(|p| (p.listed, Some(p.body))).unzip();
        let conn = self.store.connection();
        let mut body = |i: usize| match bodies[i].take() {
            Some(Body::Bytes(b)) => Ok(b),
            Some(Body::Stored(uid)) => match stored_files::content(conn, &uid) {
                Ok(Some(b)) => Ok(b),
                _ => Err(BundleError::Damaged(format!(
                    "stored file {uid} cannot be read"
                ))),
            },
            None => Err(BundleError::Damaged(format!("part {i} asked for twice"))),
        };
        let (path, ()) = crate::desk::output::write_with(self.store.path(), out, |w| {
            surety_bundle::seal_to(
                w,
                manifest,
                listed,
                &identity,
                &peer.seal_recipient,
                &mut body,
                progress,
            )
            .map(|_| ())
            .map_err(|e| sealing_failed(out, e))
        })?;
        // Written a piece at a time: its size is the file's.
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        self.disclosed(
            path,
            bytes,
            ("bundle.exported", "installation", &peer.installation_id),
            format!("bundle {bundle_id}: {what}, to `{}`", peer.name),
        )
    }
}

/// Why a bundle could not be made: the disk (full, gone) or a stored file that is not
/// what the database says it is.
fn sealing_failed(out: &Path, e: BundleError) -> DeskError {
    match e {
        BundleError::Write(kind, message) => DeskError::io(
            "无法写入",
            "cannot write",
            out,
            &std::io::Error::new(kind, message),
        ),
        other => refused(
            ErrorCode::BundleDamaged,
            format!("无法生成数据包：{}", other.reason_zh()),
            other.to_string(),
        ),
    }
}
