//! The installations this one exchanges bundles with, registered out of band by
//! an admin from the other side's `surety sync identity` (its id, its Ed25519 key, its age
//! recipient) after comparing the fingerprint. A bundle signed by anyone else is refused;
//! a bundle goes only to a peer, sealed to its key.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::Desk;
use serde::{Deserialize, Serialize};
use surety_store::peers::{self, Peer};
use surety_store::{AuditNote, StoreError};

/// Another installation, as its `surety sync identity` printed it, and a name for people.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PeerInput {
    pub installation_id: String,
    pub name: String,
    /// Its Ed25519 public key (hex).
    pub public_key: String,
    /// Its age recipient (`age1…`).
    pub seal_recipient: String,
    /// The fingerprint it showed, if given: must match the key (a typo caught here).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// For a partner office (the bank's or the insurer's installation): the organisations
    /// it speaks for (their codes here). Its bundles' sections of any other party are
    /// refused. None for a field laptop.
    #[serde(default)]
    pub organisations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeerView {
    pub installation_id: String,
    pub name: String,
    pub fingerprint: String,
    pub seal_recipient: String,
    pub added_at: String,
    pub added_by: String,
    pub organisations: Vec<String>,
}

impl From<Peer> for PeerView {
    fn from(p: Peer) -> Self {
        PeerView {
            fingerprint: surety_sync::fingerprint_hex(&p.signing_key).unwrap_or_default(),
            installation_id: p.installation_id,
            name: p.name,
            seal_recipient: p.seal_recipient,
            added_at: p.added_at,
            added_by: p.added_by,
            organisations: Vec::new(),
        }
    }
}

impl Desk {
    /// Registers another installation for bundles (admins).
    pub fn add_peer(&mut self, input: &PeerInput) -> DeskResult<PeerView> {
        self.require_admin(
            "登记交换数据包的机构",
            "register an installation for bundles",
        )?;
        let id = input.installation_id.trim().to_string();
        let name = crate::desk::text::clean("name", &input.name, crate::desk::text::PEER_NAME)?;
        let key = input.public_key.trim().to_ascii_lowercase();
        let recipient = input.seal_recipient.trim().to_string();
        if id.is_empty() || id.len() > 64 {
            return Err(DeskError::invalid(
                "installation_id",
                "请填写对方的安装编号（对方 surety sync identity 显示）",
                "give the other installation's id (its `surety sync identity` shows it)",
            ));
        }
        let fingerprint = surety_sync::fingerprint_hex(&key).map_err(|_| {
            DeskError::invalid(
                "public_key",
                "对方公钥应为 64 位十六进制（对方 surety sync identity 的 public_key）",
                "the public key must be 64 hex digits (public_key of its `surety sync identity`)",
            )
        })?;
        if let Some(given) = &input.fingerprint {
            if !given.trim().eq_ignore_ascii_case(&fingerprint) {
                return Err(DeskError::invalid(
                    "fingerprint",
                    format!("指纹与公钥不符：公钥的指纹是 {fingerprint}，请与对方核对"),
                    format!("the fingerprint does not match the key (the key's is {fingerprint}): check with the other side"),
                ));
            }
        }
        if !surety_bundle::valid_recipient(&recipient) {
            return Err(DeskError::invalid(
                "seal_recipient",
                "接收密钥应为 age1 开头的 age 公钥（对方 surety sync identity 的 seal_recipient）",
                "the receiving key must be an age recipient starting age1 (seal_recipient of its `surety sync identity`)",
            ));
        }
        let own = surety_store::store::meta_value(self.store.connection(), "installation_id")?;
        if own.as_deref() == Some(id.as_str()) {
            return Err(DeskError::invalid(
                "installation_id",
                "这是本机构自己的安装编号",
                "this is this installation's own id",
            ));
        }
        let mut organisations = Vec::new();
        for (i, code) in input.organisations.iter().enumerate() {
            let code = code.trim().to_string();
            if orgs_known(self, &code)?.is_none() {
                return Err(DeskError::invalid(
                    &format!("organisations[{i}]"),
                    format!(
                        "找不到机构“{}”：请用本机登记的机构代码",
                        crate::desk::text::shown(&code)
                    ),
                    format!(
                        "no organisation `{}` here: use a code registered here",
                        crate::desk::text::shown(&code)
                    ),
                ));
            }
            if !organisations.contains(&code) {
                organisations.push(code);
            }
        }
        let peer = Peer {
            installation_id: id.clone(),
            name,
            signing_key: key,
            seal_recipient: recipient,
            added_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            added_by: self.user.username.clone(),
            enrolled_on: None,
            agent: None,
        };
        let actor = self.actor();
        self.store.write(&actor, "installation.peer_added", |tx| {
            if peers::by_id(tx, &peer.installation_id)?.is_some()
                || peers::by_signing_key(tx, &peer.signing_key)?.is_some()
            {
                return Err(StoreError::Invalid {
                    field: "installation_id".into(),
                    message_zh: "该机构或其公钥已登记".into(),
                    message_en: "this installation or its key is registered already".into(),
                });
            }
            peers::insert(tx, &peer)?;
            surety_store::partners::set_organisations(tx, &peer.installation_id, &organisations)?;
            Ok((
                (),
                AuditNote::new(
                    "installation",
                    &peer.installation_id,
                    format!(
                        "peer `{}` registered, key fingerprint {fingerprint}",
                        peer.name
                    ),
                ),
            ))
        })?;
        let mut view = PeerView::from(peer);
        view.organisations = organisations;
        Ok(view)
    }

    /// The installations bundles go to and come from.
    pub fn peers(&self) -> DeskResult<Vec<PeerView>> {
        let conn = self.store.connection();
        peers::list(conn)?
            .into_iter()
            .map(|p| {
                let orgs = surety_store::partners::organisations(conn, &p.installation_id)?;
                let mut v = PeerView::from(p);
                v.organisations = orgs;
                Ok(v)
            })
            .collect()
    }
}

fn orgs_known(desk: &Desk, code: &str) -> DeskResult<Option<surety_store::orgs::Org>> {
    Ok(surety_store::orgs::org_by_code(
        desk.store.connection(),
        code,
    )?)
}
