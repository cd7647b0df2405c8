//! A field installation, made from its office's. The office's admin enrols an
//! agent's laptop: new keys for it, registered at once as the office's peer, and the
//! reference data it needs offline (organisations, pools, agreements, settings, the rate
//! table, recorded stops), all in one file sealed with a passphrase the agent types on the
//! laptop. There the file becomes the laptop's own encrypted database, the agent its one
//! user, the office its one peer; the live quote and every intake check work as at the
//! office, and an application taken there gets a provisional number (the agent's prefix,
//! the day, a random part) until the office issues the case number.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use crate::exchange::peers::PeerView;
use crate::origination::numbering::{KIND, PREFIX};
use serde::{Deserialize, Serialize};
use std::path::Path;
use surety_bundle::SealKey;
use surety_store::peers::{self, Peer};
use surety_store::reference::{self, TableRows};
use surety_store::{AuditNote, KdfParams, NewUser, Role, Store};
use surety_sync::Identity;

/// What the office's admin gives to enrol a laptop.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct FieldEnrolInput {
    /// The field agent (a user of this installation) the laptop is for.
    pub agent: String,
    /// 2 to 6 capital letters or digits that start the laptop's provisional numbers.
    pub prefix: String,
    /// The laptop's name as the office lists it.
    pub laptop_name: String,
    /// The office's name as the laptop lists it.
    pub office_name: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Enrolled {
    pub path: String,
    pub peer: PeerView,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficeRef {
    installation_id: String,
    name: String,
    public_key: String,
    seal_recipient: String,
}

/// The enrolment file's content (sealed with the passphrase).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Enrolment {
    format: u32,
    installation_id: String,
    signing_key: String,
    seal_key: String,
    prefix: String,
    laptop_name: String,
    agent_username: String,
    agent_display_name: String,
    office: OfficeRef,
    reference: Vec<TableRows>,
    made_at: String,
    made_by: String,
    /// A laptop enrolled by a replay database (training) is one too; a production
    /// office's laptops work on the real date.
    #[serde(default)]
    replay: bool,
}

const FORMAT: u32 = 1;

/// A laptop's prefix of provisional numbers (`WU`): short enough to read out on the phone.
const PREFIX_CHARS_MIN: usize = 2;
const PREFIX_CHARS_MAX: usize = 6;

fn check_prefix(prefix: &str) -> DeskResult<String> {
    let p = prefix.trim().to_ascii_uppercase();
    if !(PREFIX_CHARS_MIN..=PREFIX_CHARS_MAX).contains(&p.len())
        || !p.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(DeskError::invalid(
            "prefix",
            "编号前缀应为 2 至 6 个字母或数字（如 WU）",
            "the prefix is 2 to 6 letters or digits (e.g. WU)",
        ));
    }
    Ok(p)
}

/// The enrolment file carries the office's keys for the laptop: whoever guesses its
/// passphrase offline is the agent. The same policy as a password, the agent's name and
/// the laptop's prefix counting as names.
fn passphrase_ok(passphrase: &str, agent: &str, prefix: &str) -> DeskResult<()> {
    let weakness = surety_domain::passwords::weakness(passphrase, agent)
        .or_else(|| surety_domain::passwords::weakness(passphrase, prefix));
    match weakness {
        Some(w) => Err(DeskError::invalid(
            "passphrase",
            format!("登记文件的口令不够安全：{}", w.message_zh),
            format!(
                "the enrolment's passphrase is not safe enough: {}",
                w.message_en
            ),
        )),
        None => Ok(()),
    }
}

impl Desk {
    /// The enrolment form checked, before the file's place is asked for (admins).
    pub fn check_field_enrolment(
        &self,
        input: &FieldEnrolInput,
        passphrase: &str,
    ) -> DeskResult<()> {
        self.enrolment_checked(input, passphrase).map(|_| ())
    }

    fn enrolment_checked(
        &self,
        input: &FieldEnrolInput,
        passphrase: &str,
    ) -> DeskResult<(String, String, String, surety_store::User)> {
        self.require_admin("登记外勤笔记本", "enrol a field laptop")?;
        passphrase_ok(passphrase, input.agent.trim(), input.prefix.trim())?;
        let prefix = check_prefix(&input.prefix)?;
        let laptop_name =
            crate::desk::text::clean("laptop_name", &input.laptop_name, crate::desk::text::SHORT)?;
        let office_name =
            crate::desk::text::clean("office_name", &input.office_name, crate::desk::text::SHORT)?;
        let agent = surety_store::users::by_username(self.store.connection(), input.agent.trim())?
            .filter(|u| u.active && u.role == Role::FieldAgent)
            .ok_or_else(|| {
                DeskError::invalid(
                    "agent",
                    format!(
                        "没有名为“{}”的外勤人员",
                        crate::desk::text::shown(&input.agent)
                    ),
                    format!(
                        "no field agent `{}`",
                        crate::desk::text::shown(&input.agent)
                    ),
                )
            })?;
        Ok((prefix, laptop_name, office_name, agent))
    }

    /// Enrols a field laptop: writes the sealed enrolment to `out` and registers the laptop
    /// as this installation's peer (admins; on the audit record).
    pub fn enrol_field_to(
        &mut self,
        input: &FieldEnrolInput,
        passphrase: &str,
        out: &Path,
    ) -> DeskResult<Enrolled> {
        let (prefix, laptop_name, office_name, agent) =
            self.enrolment_checked(input, passphrase)?;
        let office = self.sync_identity()?;
        let laptop_key = Identity::generate();
        let laptop_seal = SealKey::generate();
        let installation_id = crate::desk::ids::random_id();
        let conn = self.store.connection();
        let enrolment = Enrolment {
            format: FORMAT,
            installation_id: installation_id.clone(),
            signing_key: laptop_key.to_hex(),
            seal_key: laptop_seal.secret(),
            prefix: prefix.clone(),
            laptop_name: laptop_name.clone(),
            agent_username: agent.username.clone(),
            agent_display_name: agent.display_name.clone(),
            office: OfficeRef {
                installation_id: office.installation_id,
                name: office_name,
                public_key: office.public_key,
                seal_recipient: office.seal_recipient,
            },
            reference: reference::export(conn)?,
            made_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            made_by: self.user.username.clone(),
            replay: self.replay,
        };
        let plain = serde_json::to_vec(&enrolment).expect("an enrolment serializes");
        let fast = self.store_kdf_is_fast();
        let sealed = surety_bundle::seal_with_passphrase(&plain, passphrase, fast.then_some(10))
            .map_err(|e| {
                DeskError::new(
                    ErrorCode::Io,
                    None,
                    format!("无法加密登记文件：{}", e.reason_zh()),
                    e.to_string(),
                )
            })?;
        let path = crate::desk::output::write(self.store.path(), out, &sealed)?;
        let peer = Peer {
            installation_id: installation_id.clone(),
            name: laptop_name,
            signing_key: laptop_key.public_key(),
            seal_recipient: laptop_seal.recipient(),
            added_at: enrolment.made_at.clone(),
            added_by: self.user.username.clone(),
            enrolled_on: Some(self.today().to_string()),
            agent: Some(agent.username.clone()),
        };
        let actor = self.actor();
        self.store.write(&actor, "installation.field_enrolled", |tx| {
            peers::insert(tx, &peer)?;
            Ok((
                (),
                AuditNote::new(
                    "installation",
                    &peer.installation_id,
                    format!(
                        "field laptop `{}` enrolled for {} (prefix {prefix}), key fingerprint {}; enrolment written to {}",
                        peer.name,
                        agent.username,
                        laptop_key.fingerprint(),
                        path.display()
                    ),
                ),
            ))
        })?;
        Ok(Enrolled {
            path: path.display().to_string(),
            peer: peer.into(),
        })
    }

    /// Makes a field laptop's database at `path` from its enrolment: the agent's password is
    /// theirs to choose; the keys, the office and the reference data come from the file.
    pub fn init_field(
        path: &Path,
        package: &[u8],
        passphrase: &str,
        password: &str,
        kdf: KdfParams,
    ) -> DeskResult<Desk> {
        let plain =
            surety_bundle::open_with_passphrase(package, passphrase).map_err(|e| match e {
                surety_bundle::BundleError::WrongPassphrase => DeskError::invalid(
                    "passphrase",
                    "口令不对：请用登记时办公室设定的口令",
                    "wrong passphrase: use the one the office set when enrolling",
                ),
                other => DeskError::invalid(
                    "file",
                    format!("登记文件无法打开：{}", other.reason_zh()),
                    format!("the enrolment file is damaged or incomplete: {other}"),
                ),
            })?;
        let e: Enrolment = serde_json::from_slice(&plain).map_err(|err| {
            DeskError::invalid(
                "file",
                format!("不是保贷通的外勤登记文件：{}", crate::desk::error::FORM_ZH),
                format!("not a Surety Desk field enrolment: {err}"),
            )
        })?;
        if e.format != FORMAT {
            return Err(DeskError::invalid(
                "file",
                "登记文件的版本比本程序新：请先更新程序",
                "the enrolment is newer than this program: update it first",
            ));
        }
        crate::desk::paths::prepare_database_folder(path)?;
        let agent = NewUser {
            username: e.agent_username.clone(),
            display_name: e.agent_display_name.clone(),
            role: Role::FieldAgent,
            organisation_id: None,
        };
        let (mut store, user) =
            Store::create_field(path, &agent, password, kdf, &e.installation_id)?;
        store.set_kdf(kdf);
        let written = store.write(&user.username, "installation.field_init", |tx| {
            reference::import(tx, &e.reference)?;
            surety_store::store::set_meta(tx, surety_store::outbox::SIGNING_KEY, &e.signing_key)?;
            surety_store::store::set_meta(tx, peers::SEAL_KEY, &e.seal_key)?;
            surety_store::store::set_meta(tx, KIND, "field")?;
            surety_store::store::set_meta(tx, PREFIX, &e.prefix)?;
            if e.replay {
                surety_store::store::set_meta(tx, crate::desk::session::REPLAY_KEY, "1")?;
            }
            // The keys must be whole before anything relies on them.
            crate::installation::keys::identity_in(tx)?;
            crate::installation::keys::seal_key_in(tx)?;
            peers::insert(
                tx,
                &Peer {
                    installation_id: e.office.installation_id.clone(),
                    name: e.office.name.clone(),
                    signing_key: e.office.public_key.clone(),
                    seal_recipient: e.office.seal_recipient.clone(),
                    added_at: e.made_at.clone(),
                    added_by: e.made_by.clone(),
                    enrolled_on: None,
                    agent: None,
                },
            )?;
            Ok((
                (),
                AuditNote::new(
                    "installation",
                    &e.installation_id,
                    format!(
                        "field laptop `{}` made from the enrolment of {} by {}: {} reference tables, office {}",
                        e.laptop_name,
                        e.made_at,
                        e.made_by,
                        e.reference.len(),
                        e.office.installation_id
                    ),
                ),
            ))
        });
        if let Err(err) = written {
            // Nothing half-made stays behind.
            drop(store);
            for p in [path.to_path_buf(), surety_store::keys::key_file_path(path)] {
                let _ = std::fs::remove_file(p);
            }
            return Err(err.into());
        }
        drop(store);
        Desk::open(path, &e.agent_username, password)
    }

    /// An installation made with the tests' cheap key derivation also seals its
    /// enrolments cheaply; every real one pays scrypt's full work.
    fn store_kdf_is_fast(&self) -> bool {
        self.store.kdf() == KdfParams::for_tests()
    }
}
