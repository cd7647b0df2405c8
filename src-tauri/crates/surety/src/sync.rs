//! Issue 15, the desk's side: the installation's Ed25519 identity (made once, kept in the
//! encrypted database) and the signed quarterly envelopes a closing writes into the outbox
//! in its own transaction — one per city of the closed report, each the city's summary
//! figures with their SHA-256, the audit chain's head and the closing's revision. Delivery
//! to the provincial hub is not built yet: the outbox keeps them pending.

use crate::desk::Desk;
use crate::error::{DeskError, DeskResult};
use crate::quarter_report::QuarterReport;
use serde::Serialize;
use surety_domain::Quarter;
use surety_store::outbox::{self, NewEnvelope, OutboxRow};
use surety_store::{AuditNote, Role, StoreError, StoreResult};
use surety_sync::{AuditHead, Envelope, Identity};

/// What the hub registers an installation by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncIdentity {
    pub installation_id: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// The key's fingerprint, to read out when registering (8 groups of 4 hex digits).
    pub fingerprint: String,
}

/// One envelope in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxEntry {
    pub id: i64,
    pub period: String,
    pub city: String,
    pub organisation: String,
    pub revision: u32,
    pub sha256: String,
    /// pending, delivered, refused.
    pub state: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub refused_reason: Option<String>,
}

impl From<OutboxRow> for OutboxEntry {
    fn from(r: OutboxRow) -> Self {
        OutboxEntry {
            id: r.id,
            period: r.period,
            city: r.city,
            organisation: r.organisation,
            revision: r.revision,
            sha256: r.sha256,
            state: r.state,
            created_at: r.created_at,
            sent_at: r.sent_at,
            refused_reason: r.refused_reason,
        }
    }
}

/// The installation's key, made and stored inside `tx` when there is none yet.
pub(crate) fn identity_in(tx: &surety_store::Transaction) -> StoreResult<Identity> {
    match outbox::signing_key(tx)? {
        Some(hex) => identity_from(&hex),
        None => {
            let id = Identity::generate();
            surety_store::store::set_meta(tx, outbox::SIGNING_KEY, &id.to_hex())?;
            Ok(id)
        }
    }
}

fn identity_from(hex: &str) -> StoreResult<Identity> {
    Identity::from_hex(hex)
        .map_err(|e| StoreError::Corrupt(format!("meta {}: {e}", outbox::SIGNING_KEY)))
}

fn installation_id(conn: &surety_store::Connection) -> StoreResult<String> {
    surety_store::store::meta_value(conn, "installation_id")?
        .ok_or_else(|| StoreError::Corrupt("meta: no installation_id".into()))
}

/// Every city a report has a line for.
fn cities_of(report: &QuarterReport) -> Vec<String> {
    let mut cities: Vec<String> = report
        .business
        .iter()
        .map(|l| l.city.clone())
        .chain(report.loss_ratios.iter().map(|l| l.city.clone()))
        .chain(report.npl.iter().map(|l| l.city.clone()))
        .chain(report.subsidies.iter().map(|l| l.city.clone()))
        .chain(report.defaulters.iter().map(|l| l.city.clone()))
        .filter(|c| !c.is_empty())
        .collect();
    cities.sort();
    cities.dedup();
    cities
}

/// Writes the closed report's envelopes (one per city) into the outbox, inside the closing's
/// transaction. Returns how many.
pub(crate) fn write_envelopes(
    tx: &surety_store::Transaction,
    report: &QuarterReport,
    q: Quarter,
    closing: &crate::quarter_report::QuarterState,
    organisation: &str,
    made_at: &str,
) -> StoreResult<usize> {
    let revision = closing.revision;
    let identity = identity_in(tx)?;
    let installation = installation_id(tx)?;
    let (count, hash) = surety_store::audit::head(tx)?;
    let mut n = 0;
    for city_code in cities_of(report) {
        let city: surety_domain::City = city_code
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("a report line's city `{city_code}`")))?;
        let mut for_city = report.clone().for_city(Some(city));
        for_city.state = closing.clone();
        let payload = serde_json::to_value(&for_city).expect("a report serializes");
        let envelope = Envelope {
            format: surety_sync::FORMAT,
            installation_id: installation.clone(),
            organisation: organisation.to_string(),
            city: city_code.clone(),
            period: q.label(),
            period_start: q.start().to_string(),
            period_end: q.end().to_string(),
            dataset: surety_sync::QUARTER_DATASET.into(),
            dataset_version: surety_sync::QUARTER_DATASET_VERSION,
            revision,
            payload,
            payload_sha256: String::new(),
            audit_head: AuditHead {
                count,
                hash: hash.clone(),
            },
            made_at: made_at.to_string(),
            public_key: String::new(),
            signature: String::new(),
        }
        .sign(&identity);
        let json = serde_json::to_string(&envelope).expect("an envelope serializes");
        outbox::insert(
            tx,
            &NewEnvelope {
                kind: surety_sync::QUARTER_DATASET,
                period: &envelope.period,
                revision,
                city: &city_code,
                organisation,
                sha256: &envelope.payload_sha256,
                envelope_json: &json,
                created_at: made_at,
            },
        )?;
        n += 1;
    }
    Ok(n)
}

impl Desk {
    fn require_sync_reader(&self) -> DeskResult<()> {
        self.require_role(
            &[
                Role::Admin,
                Role::Underwriter,
                Role::BankOfficer,
                Role::Auditor,
            ],
            "查看省级报送",
            "read the provincial reporting",
        )
    }

    /// The installation's identity for registration at the hub, made on first use (an
    /// admin's; others read it once it exists).
    pub fn sync_identity(&mut self) -> DeskResult<SyncIdentity> {
        self.require_sync_reader()?;
        let conn = self.store.connection();
        if outbox::signing_key(conn)?.is_none() {
            self.require_admin(
                "生成本机构的报送密钥",
                "make the installation's signing key",
            )?;
            let actor = self.actor();
            self.store.write(&actor, "sync.identity", |tx| {
                let id = identity_in(tx)?;
                Ok((
                    (),
                    AuditNote::new(
                        "installation",
                        "signing key",
                        format!("Ed25519 key made: fingerprint {}", id.fingerprint()),
                    ),
                ))
            })?;
        }
        let conn = self.store.connection();
        let hex = outbox::signing_key(conn)?.ok_or_else(|| {
            DeskError::new(
                "CORRUPT",
                None,
                "报送密钥丢失".into(),
                "the signing key is missing".into(),
            )
        })?;
        let id = identity_from(&hex)?;
        Ok(SyncIdentity {
            installation_id: installation_id(conn)?,
            public_key: id.public_key(),
            fingerprint: id.fingerprint(),
        })
    }

    /// The outbox, newest first.
    pub fn sync_status(&self) -> DeskResult<Vec<OutboxEntry>> {
        self.require_sync_reader()?;
        Ok(outbox::list(self.store.connection())?
            .into_iter()
            .map(OutboxEntry::from)
            .collect())
    }

    /// One envelope exactly as it will be sent (summary figures only).
    pub fn sync_envelope(&self, id: i64) -> DeskResult<serde_json::Value> {
        self.require_sync_reader()?;
        let json = outbox::envelope(self.store.connection(), id)?
            .ok_or_else(|| DeskError::not_found("报送信封", "envelope", &id.to_string()))?;
        Ok(serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("outbox {id}: {e}")))?)
    }
}
