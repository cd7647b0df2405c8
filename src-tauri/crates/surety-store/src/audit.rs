//! R-AUDIT-1: every write appends one entry, chained by SHA-256 to the one before, so an
//! edit of the file's history shows as the first broken link.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a write says about itself in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditNote {
    pub entity: String,
    pub entity_id: String,
    /// A short before/after summary, e.g. "status: intake -> investigating".
    pub summary: String,
}

impl AuditNote {
    pub fn new(entity: &str, entity_id: impl ToString, summary: impl Into<String>) -> AuditNote {
        AuditNote {
            entity: entity.into(),
            entity_id: entity_id.to_string(),
            summary: summary.into(),
        }
    }
}

fn entry_hash(prev: &str, at: &str, actor: &str, action: &str, n: &AuditNote) -> String {
    let mut h = Sha256::new();
    for part in [prev, at, actor, action, &n.entity, &n.entity_id, &n.summary] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

pub fn append(
    tx: &Transaction,
    at: &str,
    actor: &str,
    action: &str,
    note: &AuditNote,
) -> StoreResult<i64> {
    let prev: String = tx
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string());
    let hash = entry_hash(&prev, at, actor, action, note);
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            at,
            actor,
            action,
            note.entity,
            note.entity_id,
            note.summary,
            prev,
            hash
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub entries: u64,
    /// The id of the first entry whose link or content does not match.
    pub first_broken: Option<i64>,
    /// False when the chain is broken or does not hold the hub's anchor.
    pub ok: bool,
    /// The newest audit head a hub receipt acknowledged: how many entries, the
    /// hub's time, and whether the local chain still has that entry with that hash (a
    /// truncated or rewritten log does not).
    pub anchor_count: Option<u64>,
    pub anchor_received_at: Option<String>,
    pub anchor_holds: Option<bool>,
    /// The field laptops' chains kept here, each verified from its genesis.
    pub peer_chains: Vec<PeerChainReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerChainReport {
    pub installation: String,
    pub entries: u64,
    pub ok: bool,
}

pub fn verify(conn: &Connection) -> StoreResult<AuditReport> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, entity, entity_id, summary, prev_hash, hash FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    while let Some(r) = rows.next()? {
        entries += 1;
        let id: i64 = r.get(0)?;
        let note = AuditNote {
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            summary: r.get(6)?,
        };
        let stored_prev: String = r.get(7)?;
        let stored_hash: String = r.get(8)?;
        let want = entry_hash(
            &prev,
            &r.get::<_, String>(1)?,
            &r.get::<_, String>(2)?,
            &r.get::<_, String>(3)?,
            &note,
        );
        if stored_prev != prev || stored_hash != want {
            return Ok(AuditReport {
                entries,
                first_broken: Some(id),
                ok: false,
                anchor_count: None,
                anchor_received_at: None,
                anchor_holds: None,
                peer_chains: Vec::new(),
            });
        }
        prev = stored_hash;
    }
    Ok(AuditReport {
        entries,
        first_broken: None,
        ok: true,
        anchor_count: None,
        anchor_received_at: None,
        anchor_holds: None,
        peer_chains: Vec::new(),
    })
}

/// One entry with its links, as a field laptop's bundle carries its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The whole chain, oldest first.
pub fn chain(conn: &Connection) -> StoreResult<Vec<ChainEntry>> {
    let mut stmt = conn.prepare(
        "SELECT at, actor, action, entity, entity_id, summary, prev_hash, hash FROM audit_log ORDER BY id",
    )?;
    let rows = stmt.query_map([], chain_entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn chain_entry(r: &rusqlite::Row) -> rusqlite::Result<ChainEntry> {
    Ok(ChainEntry {
        at: r.get(0)?,
        actor: r.get(1)?,
        action: r.get(2)?,
        entity: r.get(3)?,
        entity_id: r.get(4)?,
        summary: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

/// The index of the first entry whose link or content does not match, from the genesis.
pub fn first_broken(entries: &[ChainEntry]) -> Option<usize> {
    let mut prev = GENESIS.to_string();
    for (i, e) in entries.iter().enumerate() {
        let note = AuditNote::new(&e.entity, &e.entity_id, e.summary.clone());
        if e.prev_hash != prev || e.hash != entry_hash(&prev, &e.at, &e.actor, &e.action, &note) {
            return Some(i);
        }
        prev = e.hash.clone();
    }
    None
}

/// What a peer's chain, as a bundle brings it, does to the copy kept here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerChain {
    /// It extends the copy: the entries after it are new.
    Extends { new: usize },
    /// The copy already has all of it (an older bundle).
    Known,
    /// It does not verify, or it is not the copy's history continued (rewritten).
    Broken { at: usize },
}

pub fn peer_chain(conn: &Connection, origin: &str) -> StoreResult<Vec<ChainEntry>> {
    let mut stmt = conn.prepare(
        "SELECT at, actor, action, entity, entity_id, summary, prev_hash, hash FROM peer_audit_log
         WHERE origin = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([origin], chain_entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Compares an incoming chain with the copy kept of that origin's.
pub fn compare_peer_chain(kept: &[ChainEntry], incoming: &[ChainEntry]) -> PeerChain {
    if let Some(at) = first_broken(incoming) {
        return PeerChain::Broken { at };
    }
    let common = kept.len().min(incoming.len());
    if let Some(at) = (0..common).find(|&i| kept[i].hash != incoming[i].hash) {
        return PeerChain::Broken { at };
    }
    if incoming.len() > kept.len() {
        PeerChain::Extends {
            new: incoming.len() - kept.len(),
        }
    } else {
        PeerChain::Known
    }
}

/// Appends the entries of `incoming` past the `kept` ones.
pub fn append_peer_chain(
    tx: &Transaction,
    origin: &str,
    kept: usize,
    incoming: &[ChainEntry],
) -> StoreResult<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO peer_audit_log (origin, seq, at, actor, action, entity, entity_id, summary,
            prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, e) in incoming.iter().enumerate().skip(kept) {
        stmt.execute(params![
            origin,
            i as i64 + 1,
            e.at,
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.summary,
            e.prev_hash,
            e.hash
        ])?;
    }
    Ok(())
}

/// The origins whose chains are kept here.
pub fn peer_origins(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT origin FROM peer_audit_log ORDER BY origin")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The hash of the `n`-th entry (1-based), if the log has that many.
pub fn hash_at(conn: &Connection, n: u64) -> StoreResult<Option<String>> {
    if n == 0 {
        return Ok(Some(GENESIS.to_string()));
    }
    Ok(conn
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id LIMIT 1 OFFSET ?1",
            [n as i64 - 1],
            |r| r.get(0),
        )
        .optional()?)
}

/// One entry as shown on a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
    /// The person behind `actor`, as the users list names them (none for a user not on
    /// this installation's list), and their organisation's name.
    pub actor_name: Option<String>,
    pub actor_organisation: Option<String>,
    /// For a step taken at a partner office or a field laptop and replayed here: that
    /// installation's name.
    pub actor_office: Option<String>,
}

pub fn entries_for(
    conn: &Connection,
    entity: &str,
    entity_id: &str,
) -> StoreResult<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_id, a.summary,
                u.display_name, o.name, p.name
         FROM audit_log a
         LEFT JOIN users u ON u.username = a.actor
         LEFT JOIN organisations o ON o.id = u.organisation_id
         LEFT JOIN peers p ON p.installation_id = u.remote_installation
         WHERE a.entity = ?1 AND a.entity_id = ?2 ORDER BY a.id",
    )?;
    let rows = stmt.query_map(params![entity, entity_id], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            summary: r.get(6)?,
            actor_name: r.get(7)?,
            actor_organisation: r.get(8)?,
            actor_office: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn count(conn: &Connection) -> StoreResult<u64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get::<_, i64>(0))? as u64)
}

/// The newest entry: (number of entries, its hash). Anchors a backup or a restore record.
pub fn head(conn: &Connection) -> StoreResult<(u64, String)> {
    let (n, hash): (i64, Option<String>) = conn.query_row(
        "SELECT count(*), (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) FROM audit_log",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((n as u64, hash.unwrap_or_else(|| GENESIS.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain_of(summaries: &[&str]) -> Vec<ChainEntry> {
        let mut prev = GENESIS.to_string();
        summaries
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let at = format!("2016-03-0{}T08:00:00Z", i + 1);
                let note = AuditNote::new("case", "WU-1", *s);
                let hash = entry_hash(&prev, &at, "agent", "case.intake", &note);
                let e = ChainEntry {
                    at,
                    actor: "agent".into(),
                    action: "case.intake".into(),
                    entity: "case".into(),
                    entity_id: "WU-1".into(),
                    summary: s.to_string(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn a_laptops_chain_is_kept_only_as_its_history_continued() {
        let full = chain_of(&["intake", "photo", "visit"]);
        assert_eq!(first_broken(&full), None);
        assert_eq!(
            compare_peer_chain(&[], &full),
            PeerChain::Extends { new: 3 }
        );
        assert_eq!(
            compare_peer_chain(&full[..1], &full),
            PeerChain::Extends { new: 2 }
        );
        // An older bundle's chain: already kept.
        assert_eq!(compare_peer_chain(&full, &full[..2]), PeerChain::Known);
        // An entry changed after the fact: its own hash no longer matches.
        let mut edited = full.clone();
        edited[1].summary = "photo (removed)".into();
        assert_eq!(
            compare_peer_chain(&full[..1], &edited),
            PeerChain::Broken { at: 1 }
        );
        // A history rewritten and re-hashed from the second entry: it verifies on its own
        // but is not the history kept here.
        let rewritten = chain_of(&["intake", "other", "visit"]);
        assert_eq!(first_broken(&rewritten), None);
        assert_eq!(
            compare_peer_chain(&full[..2], &rewritten),
            PeerChain::Broken { at: 1 }
        );
    }
}
