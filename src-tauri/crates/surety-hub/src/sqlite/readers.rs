//! SQLite's keeping of the finance office's readers, sessions and reads.

use super::{storage, SqliteRepo};
use crate::readers::{ReadEntry, Reader, Readers};
use crate::repo::{HubError, HubResult};
use rusqlite::{params, OptionalExtension};

const READER_COLUMNS: &str = "username, display_name, created_at, disabled_at";
const READER_COLUMNS_R: &str = "r.username, r.display_name, r.created_at, r.disabled_at";

fn reader(r: &rusqlite::Row) -> rusqlite::Result<Reader> {
    Ok(Reader {
        username: r.get(0)?,
        display_name: r.get(1)?,
        created_at: r.get(2)?,
        disabled_at: r.get(3)?,
    })
}

impl SqliteRepo {
    /// `update` (?1 the user name, ?2 `value`) on a reader not disabled, and their sessions
    /// ended, in one transaction: whether the reader was changed.
    async fn change_and_sign_out(
        &self,
        update: &'static str,
        username: &str,
        value: &str,
    ) -> HubResult<bool> {
        let (username, value) = (username.to_string(), value.to_string());
        self.with(move |c| {
            let tx = c.transaction().map_err(storage)?;
            let changed = tx
                .execute(update, params![username, value])
                .map_err(storage)?;
            tx.execute(
                "DELETE FROM reader_sessions WHERE username = ?1",
                [&username],
            )
            .map_err(storage)?;
            tx.commit().map_err(storage)?;
            Ok(changed == 1)
        })
        .await
    }
}

impl Readers for SqliteRepo {
    async fn add_reader(&self, reader: &Reader, password_hash: &str) -> HubResult<()> {
        let (r, hash) = (reader.clone(), password_hash.to_string());
        self.with(move |c| {
            c.execute(
                &format!("INSERT INTO readers ({READER_COLUMNS}, password_hash) VALUES (?1, ?2, ?3, ?4, ?5)"),
                params![r.username, r.display_name, r.created_at, r.disabled_at, hash],
            )
            .map(drop)
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    HubError::Invalid(format!("the reader {} exists already", r.username))
                }
                _ => storage(e),
            })
        })
        .await
    }

    async fn reader(&self, username: &str) -> HubResult<Option<(Reader, String)>> {
        let username = username.to_string();
        self.with(move |c| {
            c.query_row(
                &format!("SELECT {READER_COLUMNS}, password_hash FROM readers WHERE username = ?1"),
                [username],
                |r| Ok((reader(r)?, r.get(4)?)),
            )
            .optional()
            .map_err(storage)
        })
        .await
    }

    async fn readers(&self) -> HubResult<Vec<Reader>> {
        self.with(|c| {
            let mut stmt = c
                .prepare(&format!(
                    "SELECT {READER_COLUMNS} FROM readers ORDER BY username"
                ))
                .map_err(storage)?;
            let rows = stmt.query_map([], reader).map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)
        })
        .await
    }

    async fn set_reader_password(&self, username: &str, password_hash: &str) -> HubResult<bool> {
        self.change_and_sign_out(
            "UPDATE readers SET password_hash = ?2 WHERE username = ?1 AND disabled_at IS NULL",
            username,
            password_hash,
        )
        .await
    }

    async fn disable_reader(&self, username: &str, at: &str) -> HubResult<bool> {
        self.change_and_sign_out(
            "UPDATE readers SET disabled_at = ?2 WHERE username = ?1 AND disabled_at IS NULL",
            username,
            at,
        )
        .await
    }

    async fn open_session(
        &self,
        token_sha256: &str,
        username: &str,
        (created_at, expires_at): (&str, &str),
    ) -> HubResult<()> {
        let row = [token_sha256, username, created_at, expires_at].map(str::to_string);
        self.with(move |c| {
            // Expired sessions go when new ones come.
            c.execute(
                "DELETE FROM reader_sessions WHERE expires_at <= ?1",
                [&row[2]],
            )
            .map_err(storage)?;
            c.execute(
                "INSERT INTO reader_sessions (token_sha256, username, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![row[0], row[1], row[2], row[3]],
            )
            .map(drop)
            .map_err(storage)
        })
        .await
    }

    async fn session_reader(&self, token_sha256: &str, now: &str) -> HubResult<Option<Reader>> {
        let (token, now) = (token_sha256.to_string(), now.to_string());
        self.with(move |c| {
            c.query_row(
                &format!(
                    "SELECT {} FROM reader_sessions s JOIN readers r ON r.username = s.username
                     WHERE s.token_sha256 = ?1 AND s.expires_at > ?2 AND r.disabled_at IS NULL",
                    READER_COLUMNS_R
                ),
                params![token, now],
                reader,
            )
            .optional()
            .map_err(storage)
        })
        .await
    }

    async fn close_session(&self, token_sha256: &str) -> HubResult<()> {
        let token = token_sha256.to_string();
        self.with(move |c| {
            c.execute(
                "DELETE FROM reader_sessions WHERE token_sha256 = ?1",
                [token],
            )
            .map(drop)
            .map_err(storage)
        })
        .await
    }

    async fn record_read(&self, entry: &ReadEntry) -> HubResult<()> {
        let e = entry.clone();
        self.with(move |c| {
            c.execute(
                "INSERT INTO reads (username, at, what) VALUES (?1, ?2, ?3)",
                params![e.username, e.at, e.what],
            )
            .map(drop)
            .map_err(storage)
        })
        .await
    }

    async fn reads(&self, limit: i64) -> HubResult<Vec<ReadEntry>> {
        self.with(move |c| {
            let mut stmt = c
                .prepare("SELECT username, at, what FROM reads ORDER BY id DESC LIMIT ?1")
                .map_err(storage)?;
            let rows = stmt
                .query_map([limit], |r| {
                    Ok(ReadEntry {
                        username: r.get(0)?,
                        at: r.get(1)?,
                        what: r.get(2)?,
                    })
                })
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)
        })
        .await
    }
}
