//! The desk's side of the province's hub: the installation's Ed25519 identity (made once, kept in the
//! encrypted database) and the signed quarterly envelopes a closing writes into the outbox
//! in its own transaction — one per city of the closed report, each the city's summary
//! figures with their SHA-256, the audit chain's head and the closing's revision — and their
//! delivery to the provincial hub: a round reads what is due, [`deliver`] sends it (no
//! database lock held while the network is slow), and [`Desk::sync_record`] stores each
//! answer (a receipt checked against the hub's key, a refusal with its reason, or the next
//! time to try, by exponential backoff with jitter).

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use crate::installation::keys::{identity_from, identity_in};
use crate::reporting::quarter::report::QuarterReport;
use serde::Serialize;
use surety_domain::Quarter;
use surety_store::outbox::{self, NewEnvelope, OutboxRow};
use surety_store::{AuditNote, Role, StoreError, StoreResult};
use surety_sync::push::{Delivery, HubClient};
use surety_sync::{AuditHead, Envelope};

/// The meta key of the last time the hub answered (the desk's clock, for people).
const LAST_CONTACT: &str = "sync_last_contact";

/// The outbox as the window shows it: the envelopes, whether a hub is configured and the
/// last time it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    pub hub_url: String,
    pub configured: bool,
    pub last_contact: Option<String>,
    pub pending: u32,
    pub envelopes: Vec<OutboxEntry>,
}

/// What one delivery round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PushSummary {
    pub delivered: u32,
    pub refused: u32,
    pub failed: u32,
    /// Still pending afterwards (failed, or not tried after a failure kept the order).
    pub pending: u32,
    /// Why the round stopped, when it did.
    pub error: Option<String>,
}

/// A round's work, read from the database: where to send and what.
pub struct SyncRound {
    hub: surety_domain::settings::HubSettings,
    envelopes: Vec<outbox::Pending>,
}

impl SyncRound {
    pub fn is_empty(&self) -> bool {
        self.envelopes.is_empty()
    }
}

/// Sends a round's envelopes in order; the first that fails stops the round so that the
/// hub receives an installation's audit heads in order. Holds no database lock.
pub async fn deliver(round: SyncRound) -> Vec<(i64, Delivery)> {
    let ca = (!round.hub.ca_pem.is_empty()).then_some(round.hub.ca_pem.as_bytes());
    let client = match HubClient::new(&round.hub.url, &round.hub.public_key, ca) {
        Ok(c) => c,
        Err(e) => {
            return round
                .envelopes
                .first()
                .map(|p| vec![(p.id, Delivery::Failed(e.to_string()))])
                .unwrap_or_default();
        }
    };
    let mut out = Vec::new();
    for p in round.envelopes {
        let d = client.deliver(&p.envelope_json).await;
        let stop = matches!(d, Delivery::Failed(_));
        out.push((p.id, d));
        if stop {
            break;
        }
    }
    out
}

/// A push asked for with no hub set up.
pub fn not_configured() -> DeskError {
    DeskError::new(
        ErrorCode::SyncNotConfigured,
        Some("sync.url"),
        "尚未设置省级平台（设置 → 省级报送：地址和公钥）".into(),
        "no provincial hub is set up (settings [sync]: url and public_key)".into(),
    )
}

/// One round by hand (`surety sync push`): every pending envelope, now.
pub fn push_now(desk: &mut Desk) -> DeskResult<PushSummary> {
    let Some(round) = desk.sync_round(true)? else {
        return Err(not_configured());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            DeskError::new(
                ErrorCode::Io,
                None,
                format!("无法启动网络：{}", crate::desk::error::io_cause_zh(&e)),
                format!("cannot start networking: {e}"),
            )
        })?;
    let outcomes = runtime.block_on(deliver(round));
    desk.sync_record(outcomes)
}

fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What the hub registers an installation by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncIdentity {
    pub installation_id: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// The key's fingerprint, to read out when registering (8 groups of 4 hex digits).
    pub fingerprint: String,
    /// Where bundles to this installation are sealed (age X25519 recipient, `age1…`).
    pub seal_recipient: String,
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
    /// The hub's time of receipt (delivered envelopes).
    pub received_at: Option<String>,
    pub attempts: u32,
    /// Why the last try failed and when the next one is due (pending envelopes).
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
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
            received_at: r.received_at,
            attempts: r.attempts,
            last_error: r.last_error,
            next_attempt_at: r.next_attempt_at,
        }
    }
}

fn installation_id(conn: &surety_store::Connection) -> StoreResult<String> {
    surety_store::store::meta_value(conn, "installation_id")?
        .ok_or_else(|| StoreError::Corrupt("meta: no installation_id".into()))
}

/// Every city a report has figures for. A loss-ratio line alone with nothing received or
/// paid is only an agreement in that city (every agreement has one), not business to
/// report: such a city gets no envelope.
fn cities_of(report: &QuarterReport) -> Vec<String> {
    let mut cities: Vec<String> = report
        .business
        .iter()
        .map(|l| l.city.clone())
        .chain(
            report
                .loss_ratios
                .iter()
                .filter(|l| {
                    !l.premiums_received.value().is_zero() || !l.claims_paid.value().is_zero()
                })
                .map(|l| l.city.clone()),
        )
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
    closing: &crate::reporting::quarter::report::QuarterState,
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

/// The hub to report to, as an admin sets it in 设置 → 省级报送.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct HubInput {
    pub url: String,
    pub public_key: String,
    #[serde(default)]
    pub ca_pem: String,
}

impl Desk {
    /// Sets (or with an empty address, clears) the provincial hub. Validated like the
    /// settings file: an https address, the hub's 64-digit key, a PEM certificate.
    pub fn set_hub(&mut self, input: &HubInput) -> DeskResult<SyncStatus> {
        self.require_admin("设置省级平台", "set the provincial hub")?;
        let mut next = self.settings.clone();
        next.sync = surety_domain::settings::HubSettings {
            url: input.url.trim().trim_end_matches('/').to_string(),
            public_key: input.public_key.trim().to_ascii_lowercase(),
            ca_pem: input.ca_pem.trim().to_string(),
        };
        next.validate().map_err(DeskError::from)?;
        let summary = if next.sync.configured() {
            format!(
                "hub {} with key {}",
                next.sync.url,
                surety_sync::fingerprint_hex(&next.sync.public_key).unwrap_or_default()
            )
        } else {
            "hub cleared".to_string()
        };
        let toml = crate::desk::session::settings_toml_without_rates(&next);
        let actor = self.actor();
        self.store.write(&actor, "settings.hub", |tx| {
            surety_store::orgs::save_settings_toml(tx, &toml)?;
            Ok(((), AuditNote::new("settings", "sync", summary)))
        })?;
        self.settings = next;
        self.sync_status()
    }

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
    /// (Public keys: anyone signed in may read them — a field agent shows their laptop's.)
    pub fn sync_identity(&mut self) -> DeskResult<SyncIdentity> {
        let conn = self.store.connection();
        let seal_missing =
            surety_store::store::meta_value(conn, surety_store::peers::SEAL_KEY)?.is_none();
        if outbox::signing_key(conn)?.is_none() || seal_missing {
            self.require_admin(
                "生成本机构的报送密钥",
                "make the installation's signing key",
            )?;
            let actor = self.actor();
            self.store.write(&actor, "sync.identity", |tx| {
                let id = identity_in(tx)?;
                crate::installation::keys::seal_key_in(tx)?;
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
                ErrorCode::Corrupt,
                None,
                "报送密钥丢失".into(),
                "the signing key is missing".into(),
            )
        })?;
        let id = identity_from(&hex)?;
        let seal = surety_store::store::meta_value(conn, surety_store::peers::SEAL_KEY)?
            .ok_or_else(|| StoreError::Corrupt("meta: no bundle key".into()))?;
        Ok(SyncIdentity {
            installation_id: installation_id(conn)?,
            public_key: id.public_key(),
            fingerprint: id.fingerprint(),
            seal_recipient: crate::installation::keys::seal_key_from(&seal)?.recipient(),
        })
    }

    /// The outbox, newest first, and the hub's state.
    pub fn sync_status(&self) -> DeskResult<SyncStatus> {
        self.require_sync_reader()?;
        let conn = self.store.connection();
        let envelopes: Vec<OutboxEntry> = outbox::list(conn)?
            .into_iter()
            .map(OutboxEntry::from)
            .collect();
        Ok(SyncStatus {
            hub_url: self.settings().sync.url.clone(),
            configured: self.settings().sync.configured(),
            last_contact: surety_store::store::meta_value(conn, LAST_CONTACT)?,
            pending: envelopes.iter().filter(|e| e.state == "pending").count() as u32,
            envelopes,
        })
    }

    /// The envelopes due for a try (every pending one when `all`), or None when no hub is
    /// configured or the signed-in user's role does not send reports.
    pub fn sync_round(&self, all: bool) -> DeskResult<Option<SyncRound>> {
        if !matches!(
            self.user.role,
            Role::Admin | Role::Underwriter | Role::BankOfficer
        ) {
            if all {
                self.require_role(
                    &[Role::Admin, Role::Underwriter, Role::BankOfficer],
                    "向省级平台报送",
                    "send reports to the hub",
                )?;
            }
            return Ok(None);
        }
        let hub = self.settings().sync.clone();
        if !hub.configured() {
            return Ok(None);
        }
        let now = now_iso();
        let envelopes: Vec<outbox::Pending> = outbox::pending(self.store.connection())?
            .into_iter()
            .filter(|p| {
                all || p
                    .next_attempt_at
                    .as_deref()
                    .is_none_or(|t| t <= now.as_str())
            })
            .collect();
        Ok(Some(SyncRound { hub, envelopes }))
    }

    /// Stores what a round came to, each answer read against the envelope's state inside
    /// its own transaction (a second round that raced this one finds it delivered).
    pub fn sync_record(&mut self, outcomes: Vec<(i64, Delivery)>) -> DeskResult<PushSummary> {
        let mut summary = PushSummary::default();
        let actor = self.actor();
        let now = now_iso();
        let mut answered = false;
        for (id, delivery) in outcomes {
            // Another round (the window's, a push by hand) may have recorded it already:
            // nothing to store twice. The write below checks again inside its transaction.
            let still_pending =
                outbox::state(self.store.connection(), id)?.as_deref() == Some("pending");
            if !still_pending {
                continue;
            }
            match delivery {
                Delivery::Accepted(receipt) => {
                    answered = true;
                    let json = serde_json::to_string(&receipt).expect("a receipt serializes");
                    let done = self.store.write(&actor, "sync.delivered", |tx| {
                        let was_pending = outbox::state(tx, id)?.as_deref() == Some("pending");
                        if was_pending {
                            outbox::mark_delivered(
                                tx,
                                id,
                                &outbox::Delivered {
                                    receipt_json: &json,
                                    received_at: &receipt.received_at,
                                    anchor_count: receipt.audit_head.count,
                                    anchor_hash: &receipt.audit_head.hash,
                                    sent_at: &now,
                                },
                            )?;
                        }
                        Ok((
                            was_pending,
                            AuditNote::new(
                                "envelope",
                                id.to_string(),
                                format!(
                                    "{} {} revision {} delivered to the hub: {} at {}",
                                    receipt.period,
                                    receipt.city,
                                    receipt.revision,
                                    receipt.status,
                                    receipt.received_at
                                ),
                            ),
                        ))
                    })?;
                    summary.delivered += u32::from(done);
                }
                Delivery::Refused(refusal) => {
                    answered = true;
                    let reason = serde_json::to_string(&refusal).expect("a refusal serializes");
                    self.store.write(&actor, "sync.refused", |tx| {
                        if outbox::state(tx, id)?.as_deref() == Some("pending") {
                            outbox::mark_refused(tx, id, &reason, &now)?;
                        }
                        Ok((
                            (),
                            AuditNote::new(
                                "envelope",
                                id.to_string(),
                                format!("refused by the hub: {}", refusal.code),
                            ),
                        ))
                    })?;
                    summary.refused += 1;
                }
                Delivery::Failed(error) => {
                    summary.failed += 1;
                    summary.error = Some(error.clone());
                    self.store.write_bookkeeping(|tx| {
                        let attempts = outbox::pending(tx)?
                            .into_iter()
                            .find(|p| p.id == id)
                            .map(|p| p.attempts)
                            .unwrap_or_default();
                        let wait = surety_sync::backoff::delay(attempts + 1, fastrand::u64(..));
                        let next = chrono::Utc::now()
                            + chrono::Duration::from_std(wait).unwrap_or_default();
                        outbox::mark_failed(
                            tx,
                            id,
                            &error,
                            &next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        )
                    })?;
                }
            }
        }
        if answered {
            self.store
                .write_bookkeeping(|tx| surety_store::store::set_meta(tx, LAST_CONTACT, &now))?;
        }
        summary.pending = outbox::pending(self.store.connection())?.len() as u32;
        Ok(summary)
    }

    /// One envelope exactly as it will be sent (summary figures only) to an admin or an
    /// auditor; a bank's or an insurer's staff see only their own organisation's lines
    /// of it, as in the case list — not another bank's balance or another insurer's claims.
    pub fn sync_envelope(&self, id: i64) -> DeskResult<serde_json::Value> {
        self.require_sync_reader()?;
        let json = outbox::envelope(self.store.connection(), id)?
            .ok_or_else(|| DeskError::not_found("报送信封", "envelope", &id.to_string()))?;
        let mut envelope: serde_json::Value = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("outbox {id}: {e}")))?;
        let key = match self.user.role {
            Role::BankOfficer => Some("bank"),
            Role::Underwriter => Some("insurer"),
            _ => None,
        };
        if let (Some(key), Some(org)) = (key, self.own_organisation()?) {
            own_lines_only(&mut envelope["payload"], key, &org.code);
        }
        Ok(envelope)
    }
}

/// Keeps the lines of `key` = `code` in a quarter payload's tables; the tables that sum
/// every party of a city (by kind, subsidies, defaulters) and the totals go. What is
/// shown is then no longer the signed envelope: it says so.
fn own_lines_only(payload: &mut serde_json::Value, key: &str, code: &str) {
    let Some(tables) = payload.as_object_mut() else {
        return;
    };
    for (name, value) in tables.iter_mut() {
        if let Some(lines) = value.as_array_mut() {
            lines.retain(|l| l.get(key).and_then(|v| v.as_str()) == Some(code));
        } else if name.ends_with("_total") {
            *value = serde_json::Value::Null;
        }
    }
    tables.insert(
        "shown_to".into(),
        serde_json::json!(format!("{key} {code}: own lines only")),
    );
}
