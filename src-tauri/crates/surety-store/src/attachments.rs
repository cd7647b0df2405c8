//! Files attached to a section of a case. The content stays in the database (and
//! so under its encryption); lists read everything but the content.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension};

/// An attachment without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub uid: String,
    pub case_id: i64,
    pub case_no: String,
    pub section: String,
    pub kind: String,
    pub file_name: String,
    pub bytes: u64,
    pub sha256: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub added_by: String,
    pub added_at: String,
}

pub struct NewAttachment<'a> {
    pub uid: &'a str,
    pub case_id: i64,
    pub section: &'a str,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub content: &'a [u8],
    pub thumbnail: Option<&'a [u8]>,
    pub added_by: i64,
    pub added_at: &'a str,
}

pub fn insert(tx: &Connection, a: &NewAttachment) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO attachments (uid, case_id, section, kind, file_name, bytes, sha256, width,
            height, content, thumbnail, added_by, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            a.uid,
            a.case_id,
            a.section,
            a.kind,
            a.file_name,
            a.content.len() as i64,
            a.sha256,
            a.width,
            a.height,
            a.content,
            a.thumbnail,
            a.added_by,
            a.added_at
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "a.uid, a.case_id, c.case_no, a.section, a.kind, a.file_name, a.bytes,
    a.sha256, a.width, a.height, COALESCE(u.display_name, ''), a.added_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<AttachmentRow> {
    Ok(AttachmentRow {
        uid: r.get(0)?,
        case_id: r.get(1)?,
        case_no: r.get(2)?,
        section: r.get(3)?,
        kind: r.get(4)?,
        file_name: r.get(5)?,
        bytes: r.get::<_, i64>(6)? as u64,
        sha256: r.get(7)?,
        width: r.get(8)?,
        height: r.get(9)?,
        added_by: r.get(10)?,
        added_at: r.get(11)?,
    })
}

/// A case's attachments, oldest first.
pub fn of_case(conn: &Connection, case_id: i64) -> StoreResult<Vec<AttachmentRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM attachments a JOIN cases c ON c.id = a.case_id
         LEFT JOIN users u ON u.id = a.added_by
         WHERE a.case_id = ?1 ORDER BY a.id"
    ))?;
    let rows = stmt.query_map([case_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn by_uid(conn: &Connection, uid: &str) -> StoreResult<Option<AttachmentRow>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM attachments a JOIN cases c ON c.id = a.case_id
                 LEFT JOIN users u ON u.id = a.added_by WHERE a.uid = ?1"
            ),
            [uid],
            row,
        )
        .optional()?)
}

/// The same file already in this section of the case, if any.
pub fn same_file(
    conn: &Connection,
    case_id: i64,
    section: &str,
    sha256: &str,
) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT file_name FROM attachments WHERE case_id = ?1 AND section = ?2 AND sha256 = ?3",
            params![case_id, section, sha256],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn content(conn: &Connection, uid: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT content FROM attachments WHERE uid = ?1",
            [uid],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn thumbnail(conn: &Connection, uid: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT thumbnail FROM attachments WHERE uid = ?1",
            [uid],
            |r| r.get::<_, Option<Vec<u8>>>(0),
        )
        .optional()?
        .flatten())
}
