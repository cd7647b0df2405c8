//! The installations bundles come from and go to.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension};

/// The meta key of this installation's bundle-receiving key (age secret, inside the
/// encrypted database).
pub const SEAL_KEY: &str = "installation_seal_key";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub installation_id: String,
    pub name: String,
    pub signing_key: String,
    pub seal_recipient: String,
    pub added_at: String,
    pub added_by: String,
    /// For a field laptop this office enrolled: the business date of its enrolment.
    pub enrolled_on: Option<String>,
    /// For a field laptop this office enrolled: its agent's user name.
    pub agent: Option<String>,
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Peer> {
    Ok(Peer {
        installation_id: r.get(0)?,
        name: r.get(1)?,
        signing_key: r.get(2)?,
        seal_recipient: r.get(3)?,
        added_at: r.get(4)?,
        enrolled_on: r.get(6)?,
        agent: r.get(7)?,
        added_by: r.get(5)?,
    })
}

const COLUMNS: &str =
    "installation_id, name, signing_key, seal_recipient, added_at, added_by, enrolled_on, agent";

pub fn insert(tx: &Connection, p: &Peer) -> StoreResult<()> {
    tx.execute(
        &format!("INSERT INTO peers ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![
            p.installation_id,
            p.name,
            p.signing_key,
            p.seal_recipient,
            p.added_at,
            p.added_by,
            p.enrolled_on,
            p.agent
        ],
    )?;
    Ok(())
}

pub fn list(conn: &Connection) -> StoreResult<Vec<Peer>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM peers ORDER BY name"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The peer whose bundles are signed with `signing_key` (hex), if any.
pub fn by_signing_key(conn: &Connection, signing_key: &str) -> StoreResult<Option<Peer>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM peers WHERE signing_key = ?1"),
            [signing_key.to_ascii_lowercase()],
            row,
        )
        .optional()?)
}

pub fn by_id(conn: &Connection, installation_id: &str) -> StoreResult<Option<Peer>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM peers WHERE installation_id = ?1"),
            [installation_id],
            row,
        )
        .optional()?)
}
