//! The hub's storage behind one trait, with PostgreSQL ([`crate::postgres`]) for a province
//! and SQLite ([`crate::sqlite`]) for a single-machine trial. What to do with an envelope
//! is decided here, once, from what the backend read inside its transaction; the backends
//! only read, lock and write.

use crate::dataset::{Fact, Flattened};
use crate::refusal::{self, Refusal};
use serde::Serialize;
use std::future::Future;
use surety_sync::{status, Envelope};

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("{0}")]
    Storage(String),
    #[error("{0}")]
    Invalid(String),
}

pub type HubResult<T> = Result<T, HubError>;

/// A registered installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installation {
    pub installation_id: String,
    pub public_key: String,
    pub name: String,
    pub cities: Vec<String>,
    pub organisations: Vec<String>,
    pub registered_at: String,
    pub revoked_at: Option<String>,
}

/// A checked envelope on its way into storage.
#[derive(Debug, Clone)]
pub struct Submission {
    pub envelope: Envelope,
    pub envelope_json: String,
    pub flattened: Flattened,
    /// The hub's clock.
    pub received_at: String,
    pub dry_run: bool,
}

/// The current revision held for an envelope's (installation, city, period, dataset).
#[derive(Debug, Clone)]
pub struct Held {
    pub id: i64,
    pub revision: u32,
    pub payload_sha256: String,
    pub received_at: String,
    pub envelope_json: String,
}

/// An installation's newest audit chain head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub count: i64,
    pub hash: String,
}

/// What becomes of a submission, given what is held.
#[derive(Debug)]
pub enum Decision {
    /// Store it, superseding the held revision if any.
    Store {
        supersede: Option<Held>,
    },
    /// The same revision with the same figures is held: answer as before.
    Already(Held),
    Refuse(Refusal),
}

/// What the hub answers when it keeps (or would keep) an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: &'static str,
    pub received_at: String,
}

/// The rule of replacement: each (installation, city, period, dataset) is replaced as a
/// whole by a higher revision, never merged; the same revision must carry the same hash;
/// the audit chain's head never goes back or forks.
pub fn decide(current: Option<Held>, anchor: Option<&Anchor>, e: &Envelope) -> Decision {
    if let Some(held) = &current {
        if e.revision == held.revision {
            if e.payload_sha256 == held.payload_sha256 {
                return Decision::Already(held.clone());
            }
            return Decision::Refuse(
                Refusal::new(
                    refusal::REVISION_CONFLICT,
                    format!("第 {} 版已收到但内容不同；修改后请重新关账以生成新版本", e.revision),
                    format!(
                        "revision {} was received with other figures; reopen and close the quarter to send a new revision",
                        e.revision
                    ),
                )
                .with_details(serde_json::json!({
                    "revision": e.revision,
                    "held_sha256": held.payload_sha256,
                    "sent_sha256": e.payload_sha256,
                })),
            );
        }
        if e.revision < held.revision {
            return Decision::Refuse(
                Refusal::new(
                    refusal::REVISION_SUPERSEDED,
                    format!(
                        "已收到更新的第 {} 版，第 {} 版不再接收",
                        held.revision, e.revision
                    ),
                    format!(
                        "revision {} is held; the older revision {} is not taken",
                        held.revision, e.revision
                    ),
                )
                .with_details(serde_json::json!({"held_revision": held.revision})),
            );
        }
    }
    if let Some(a) = anchor {
        let count = e.audit_head.count as i64;
        if count < a.count {
            return Decision::Refuse(
                Refusal::new(
                    refusal::AUDIT_CHAIN_BEHIND,
                    format!(
                        "本机构的审计日志只有 {count} 条，少于此前报送时的 {} 条：日志可能被截断或数据库被还原",
                        a.count
                    ),
                    format!(
                        "the installation's audit log has {count} entries, fewer than the {} it had when it last reported: it may have been truncated or the database restored",
                        a.count
                    ),
                )
                .with_details(serde_json::json!({"held_count": a.count, "sent_count": count})),
            );
        }
        if count == a.count && e.audit_head.hash != a.hash {
            return Decision::Refuse(
                Refusal::new(
                    refusal::AUDIT_CHAIN_FORKED,
                    "本机构审计日志的最新条目与此前报送时不同：日志可能被改写",
                    "the installation's newest audit entries differ from those it reported before: the log may have been rewritten",
                )
                .with_details(serde_json::json!({"held_hash": a.hash, "sent_hash": e.audit_head.hash})),
            );
        }
    }
    Decision::Store { supersede: current }
}

/// The anchor after storing `e`.
pub fn next_anchor(anchor: Option<&Anchor>, e: &Envelope) -> Anchor {
    let sent = Anchor {
        count: e.audit_head.count as i64,
        hash: e.audit_head.hash.clone(),
    };
    match anchor {
        Some(a) if a.count >= sent.count => a.clone(),
        _ => sent,
    }
}

/// The outcome a decision gives (after the backend applied a `Store`).
pub fn outcome(decision: &Decision, s: &Submission) -> Result<Outcome, Refusal> {
    match decision {
        Decision::Refuse(r) => Err(r.clone()),
        Decision::Already(h) => Ok(Outcome {
            status: status::ALREADY_STORED,
            received_at: h.received_at.clone(),
        }),
        Decision::Store { .. } if s.dry_run => Ok(Outcome {
            status: status::VALID,
            received_at: s.received_at.clone(),
        }),
        Decision::Store { .. } => Ok(Outcome {
            status: status::STORED,
            received_at: s.received_at.clone(),
        }),
    }
}

/// The facts a held envelope added to the totals (to take them out when superseded).
pub fn facts_of_held(held: &Held) -> HubResult<Vec<Fact>> {
    let e = Envelope::from_json(&held.envelope_json)
        .map_err(|e| HubError::Storage(format!("a stored envelope: {e}")))?;
    crate::dataset::flatten(&e.payload, &e.city, &e.period, None)
        .map(|f| f.facts)
        .map_err(|r| HubError::Storage(format!("a stored envelope: {}", r.message_en)))
}

/// One sum of the province's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    pub period: String,
    pub city: String,
    pub table: String,
    pub insurer: String,
    pub bank: String,
    pub kind: String,
    pub metric: String,
    pub value: i64,
}

/// An installation's current submission for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reported {
    pub installation_id: String,
    pub city: String,
    pub revision: u32,
    pub received_at: String,
}

/// One revision as received (the history the province keeps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Received {
    pub installation_id: String,
    pub city: String,
    pub period: String,
    pub revision: u32,
    pub payload_sha256: String,
    pub received_at: String,
    pub superseded_at: Option<String>,
}

/// The hub's storage: envelopes and sums here, the finance office's readers in
/// [`crate::readers::Readers`].
pub trait Repository: crate::readers::Readers + Clone + Send + Sync + 'static {
    fn meta(&self, key: &str) -> impl Future<Output = HubResult<Option<String>>> + Send;
    /// Removes `key` (the signing key once it has moved to its own file).
    fn meta_remove(&self, key: &str) -> impl Future<Output = HubResult<()>> + Send;
    /// Sets `key` unless it is set; returns the value held afterwards.
    fn meta_or_insert(
        &self,
        key: &str,
        value: &str,
    ) -> impl Future<Output = HubResult<String>> + Send;
    /// Registers installations, all or none.
    fn add_installations(
        &self,
        list: &[Installation],
    ) -> impl Future<Output = HubResult<()>> + Send;
    fn installations(&self) -> impl Future<Output = HubResult<Vec<Installation>>> + Send;
    /// Whether an installation not yet revoked was revoked now.
    fn revoke(
        &self,
        installation_id: &str,
        at: &str,
    ) -> impl Future<Output = HubResult<bool>> + Send;
    fn installation_by_key(
        &self,
        public_key: &str,
    ) -> impl Future<Output = HubResult<Option<Installation>>> + Send;
    /// Decides and applies one submission in one transaction.
    fn submit(
        &self,
        s: &Submission,
    ) -> impl Future<Output = HubResult<Result<Outcome, Refusal>>> + Send;
    /// The totals of `period`, or the city sums of every period for the `metrics` given
    /// (the trend).
    fn totals(
        &self,
        period: Option<&str>,
        metrics: &[(&str, &str)],
    ) -> impl Future<Output = HubResult<Vec<Total>>> + Send;
    fn reported(&self, period: &str) -> impl Future<Output = HubResult<Vec<Reported>>> + Send;
    /// The periods with totals, in order (a walk down the totals' key: one index probe
    /// per period, not a scan of every row).
    fn periods(&self) -> impl Future<Output = HubResult<Vec<String>>> + Send;
    /// Every revision received for a period, superseded ones included.
    fn history(&self, period: &str) -> impl Future<Output = HubResult<Vec<Received>>> + Send;
    fn org_names(&self) -> impl Future<Output = HubResult<Vec<(String, String)>>> + Send;
    /// The anchor held for an installation.
    fn anchor(
        &self,
        installation_id: &str,
    ) -> impl Future<Output = HubResult<Option<Anchor>>> + Send;
}

/// Cities and organisations are kept comma-separated.
pub fn join(list: &[String]) -> String {
    list.join(",")
}

pub fn split(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use surety_sync::AuditHead;

    fn envelope(revision: u32, sha: &str, count: u64, hash: &str) -> Envelope {
        Envelope {
            format: 1,
            installation_id: "i".into(),
            organisation: "picc".into(),
            city: "yantai".into(),
            period: "2016Q1".into(),
            period_start: "2016-01-01".into(),
            period_end: "2016-03-31".into(),
            dataset: "quarter_report".into(),
            dataset_version: 1,
            revision,
            payload: serde_json::json!({}),
            payload_sha256: sha.into(),
            audit_head: AuditHead {
                count,
                hash: hash.into(),
            },
            made_at: String::new(),
            public_key: String::new(),
            signature: String::new(),
        }
    }

    fn held(revision: u32, sha: &str) -> Held {
        Held {
            id: 9,
            revision,
            payload_sha256: sha.into(),
            received_at: "2016-04-05T01:00:00Z".into(),
            envelope_json: String::new(),
        }
    }

    fn code(d: Decision) -> String {
        match d {
            Decision::Refuse(r) => r.code,
            Decision::Already(_) => "already".into(),
            Decision::Store { supersede: None } => "store".into(),
            Decision::Store { supersede: Some(_) } => "supersede".into(),
        }
    }

    #[test]
    fn a_quarter_is_replaced_whole_by_a_higher_revision_and_never_merged() {
        let anchor = Anchor {
            count: 40,
            hash: "h40".into(),
        };
        let e = |rev, sha| envelope(rev, sha, 40, "h40");
        assert_eq!(code(decide(None, None, &e(1, "a"))), "store");
        assert_eq!(
            code(decide(Some(held(1, "a")), Some(&anchor), &e(1, "a"))),
            "already"
        );
        assert_eq!(
            code(decide(Some(held(1, "a")), Some(&anchor), &e(1, "b"))),
            refusal::REVISION_CONFLICT
        );
        assert_eq!(
            code(decide(Some(held(2, "a")), Some(&anchor), &e(1, "a"))),
            refusal::REVISION_SUPERSEDED
        );
        assert_eq!(
            code(decide(Some(held(1, "a")), Some(&anchor), &e(2, "b"))),
            "supersede"
        );
    }

    #[test]
    fn the_audit_head_never_goes_back_or_forks() {
        let anchor = Anchor {
            count: 40,
            hash: "h40".into(),
        };
        assert_eq!(
            code(decide(None, Some(&anchor), &envelope(1, "a", 39, "h39"))),
            refusal::AUDIT_CHAIN_BEHIND
        );
        assert_eq!(
            code(decide(None, Some(&anchor), &envelope(1, "a", 40, "other"))),
            refusal::AUDIT_CHAIN_FORKED
        );
        assert_eq!(
            code(decide(None, Some(&anchor), &envelope(1, "a", 40, "h40"))),
            "store"
        );
        let e = envelope(1, "a", 55, "h55");
        assert_eq!(code(decide(None, Some(&anchor), &e)), "store");
        assert_eq!(next_anchor(Some(&anchor), &e).count, 55);
        let older = envelope(1, "a", 40, "h40");
        assert_eq!(
            next_anchor(
                Some(&Anchor {
                    count: 55,
                    hash: "h55".into()
                }),
                &older
            )
            .count,
            55,
            "an anchor only moves forward"
        );
        // An envelope the hub already holds is answered as before, whatever the anchor.
        assert_eq!(
            code(decide(
                Some(held(1, "a")),
                Some(&Anchor {
                    count: 99,
                    hash: "x".into()
                }),
                &older
            )),
            "already"
        );
    }
}
