//! PostgreSQL's keeping of the finance office's readers, sessions and reads.

use super::{storage, PgRepo};
use crate::readers::{ReadEntry, Reader, Readers};
use crate::repo::{HubError, HubResult};
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;

const READER_COLUMNS: &str = "username, display_name, created_at, disabled_at";

fn reader(r: &Row) -> Reader {
    Reader {
        username: r.get(0),
        display_name: r.get(1),
        created_at: r.get(2),
        disabled_at: r.get(3),
    }
}

impl PgRepo {
    /// `update` ($1 the user name, $2 `value`) on a reader not disabled, and their sessions
    /// ended, in one transaction: whether the reader was changed.
    async fn change_and_sign_out(
        &self,
        update: &'static str,
        username: &str,
        value: &str,
    ) -> HubResult<bool> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(storage)?;
        let changed = tx
            .execute(update, &[&username, &value])
            .await
            .map_err(storage)?;
        tx.execute(
            "DELETE FROM reader_sessions WHERE username = $1",
            &[&username],
        )
        .await
        .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(changed == 1)
    }
}

impl Readers for PgRepo {
    async fn add_reader(&self, r: &Reader, password_hash: &str) -> HubResult<()> {
        self.client()
            .await?
            .execute(
                &format!("INSERT INTO readers ({READER_COLUMNS}, password_hash) VALUES ($1, $2, $3, $4, $5)"),
                &[&r.username, &r.display_name, &r.created_at, &r.disabled_at, &password_hash],
            )
            .await
            .map(drop)
            .map_err(|e| {
                if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    HubError::Invalid(format!("the reader {} exists already", r.username))
                } else {
                    storage(e)
                }
            })
    }

    async fn reader(&self, username: &str) -> HubResult<Option<(Reader, String)>> {
        Ok(self
            .client()
            .await?
            .query_opt(
                &format!("SELECT {READER_COLUMNS}, password_hash FROM readers WHERE username = $1"),
                &[&username],
            )
            .await
            .map_err(storage)?
            .map(|r| (reader(&r), r.get(4))))
    }

    async fn readers(&self) -> HubResult<Vec<Reader>> {
        Ok(self
            .client()
            .await?
            .query(
                &format!("SELECT {READER_COLUMNS} FROM readers ORDER BY username"),
                &[],
            )
            .await
            .map_err(storage)?
            .iter()
            .map(reader)
            .collect())
    }

    async fn set_reader_password(&self, username: &str, password_hash: &str) -> HubResult<bool> {
        self.change_and_sign_out(
            "UPDATE readers SET password_hash = $2 WHERE username = $1 AND disabled_at IS NULL",
            username,
            password_hash,
        )
        .await
    }

    async fn disable_reader(&self, username: &str, at: &str) -> HubResult<bool> {
        self.change_and_sign_out(
            "UPDATE readers SET disabled_at = $2 WHERE username = $1 AND disabled_at IS NULL",
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
        let c = self.client().await?;
        // Expired sessions go when new ones come.
        c.execute(
            "DELETE FROM reader_sessions WHERE expires_at <= $1",
            &[&created_at],
        )
        .await
        .map_err(storage)?;
        c.execute(
            "INSERT INTO reader_sessions (token_sha256, username, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
            &[&token_sha256, &username, &created_at, &expires_at],
        )
        .await
        .map(drop)
        .map_err(storage)
    }

    async fn session_reader(&self, token_sha256: &str, now: &str) -> HubResult<Option<Reader>> {
        Ok(self
            .client()
            .await?
            .query_opt(
                "SELECT r.username, r.display_name, r.created_at, r.disabled_at
                 FROM reader_sessions s JOIN readers r ON r.username = s.username
                 WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND r.disabled_at IS NULL",
                &[&token_sha256, &now],
            )
            .await
            .map_err(storage)?
            .map(|r| reader(&r)))
    }

    async fn close_session(&self, token_sha256: &str) -> HubResult<()> {
        self.client()
            .await?
            .execute(
                "DELETE FROM reader_sessions WHERE token_sha256 = $1",
                &[&token_sha256],
            )
            .await
            .map(drop)
            .map_err(storage)
    }

    async fn record_read(&self, e: &ReadEntry) -> HubResult<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO reads (username, at, what) VALUES ($1, $2, $3)",
                &[&e.username, &e.at, &e.what],
            )
            .await
            .map(drop)
            .map_err(storage)
    }

    async fn reads(&self, limit: i64) -> HubResult<Vec<ReadEntry>> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT username, at, what FROM reads ORDER BY id DESC LIMIT $1",
                &[&limit],
            )
            .await
            .map_err(storage)?
            .iter()
            .map(|r| ReadEntry {
                username: r.get(0),
                at: r.get(1),
                what: r.get(2),
            })
            .collect())
    }
}
