//! SQLite storage for a trial on one machine: one connection behind a mutex, each call on
//! tokio's blocking pool, each submission one `BEGIN IMMEDIATE` transaction.

use crate::dataset::Fact;
use crate::refusal::Refusal;
use crate::repo::*;

mod readers;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The PostgreSQL migrations, which SQLite runs as they are but for the id column.
fn migrations() -> Vec<(&'static str, String)> {
    crate::postgres::MIGRATIONS
        .iter()
        .map(|(name, sql)| {
            let sql = sql.replace("BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT");
            (*name, sql)
        })
        .collect()
}

#[derive(Clone)]
pub struct SqliteRepo {
    conn: Arc<Mutex<Connection>>,
}

fn storage(e: impl std::fmt::Display) -> HubError {
    HubError::Storage(e.to_string())
}

/// The hub's file (its key and every submission) readable by its own user only; SQLite
/// gives its WAL and shared-memory files the database file's mode.
fn owner_only(path: &Path) -> HubResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(storage)?;
        let beside = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::path::PathBuf::from(name)
        };
        for p in [path.to_path_buf(), beside("-wal"), beside("-shm")] {
            if p.exists() {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                    .map_err(storage)?;
            }
        }
    }
    Ok(())
}

impl SqliteRepo {
    /// Opens (creating) the database and brings its tables up to date.
    pub fn open(path: &Path) -> HubResult<SqliteRepo> {
        owner_only(path)?;
        let conn = Connection::open(path).map_err(storage)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 10000;
             CREATE TABLE IF NOT EXISTS hub_migrations (name TEXT PRIMARY KEY);",
        )
        .map_err(storage)?;
        for (name, sql) in migrations() {
            let done: Option<String> = conn
                .query_row(
                    "SELECT name FROM hub_migrations WHERE name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()
                .map_err(storage)?;
            if done.is_none() {
                conn.execute_batch(&format!(
                    "BEGIN; {sql}\nINSERT INTO hub_migrations VALUES ('{name}'); COMMIT;"
                ))
                .map_err(storage)?;
            }
        }
        Ok(SqliteRepo {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> HubResult<T> + Send + 'static,
    ) -> HubResult<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(storage)?
    }
}

fn installation(r: &rusqlite::Row) -> rusqlite::Result<Installation> {
    Ok(Installation {
        installation_id: r.get(0)?,
        public_key: r.get(1)?,
        name: r.get(2)?,
        cities: split(&r.get::<_, String>(3)?),
        organisations: split(&r.get::<_, String>(4)?),
        registered_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

const INSTALLATION_COLUMNS: &str =
    "installation_id, public_key, name, cities, organisations, registered_at, revoked_at";

fn add_facts(
    tx: &Connection,
    period: &str,
    city: &str,
    facts: &[Fact],
    sign: i64,
) -> HubResult<()> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO totals (period, city, tbl, insurer, bank, kind, metric, value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (period, city, tbl, insurer, bank, kind, metric)
             DO UPDATE SET value = value + excluded.value",
        )
        .map_err(storage)?;
    for f in facts {
        stmt.execute(params![
            period,
            city,
            f.table,
            f.insurer,
            f.bank,
            f.kind,
            f.metric,
            f.value * sign
        ])
        .map_err(storage)?;
    }
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO city_totals (period, city, tbl, metric, value)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (tbl, metric, period, city) DO UPDATE SET value = value + excluded.value",
        )
        .map_err(storage)?;
    for (table, metric, value) in crate::dataset::city_sums(facts) {
        stmt.execute(params![period, city, table, metric, value * sign])
            .map_err(storage)?;
    }
    Ok(())
}

fn submit_in(conn: &mut Connection, s: &Submission) -> HubResult<Result<Outcome, Refusal>> {
    let e = &s.envelope;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(storage)?;
    let current: Option<Held> = tx
        .query_row(
            "SELECT id, revision, payload_sha256, received_at, envelope FROM submissions
             WHERE installation_id = ?1 AND city = ?2 AND period = ?3 AND dataset = ?4
               AND superseded_at IS NULL",
            params![e.installation_id, e.city, e.period, e.dataset],
            |r| {
                Ok(Held {
                    id: r.get(0)?,
                    revision: r.get(1)?,
                    payload_sha256: r.get(2)?,
                    received_at: r.get(3)?,
                    envelope_json: r.get(4)?,
                })
            },
        )
        .optional()
        .map_err(storage)?;
    let anchor: Option<Anchor> = tx
        .query_row(
            "SELECT audit_count, audit_hash FROM anchors WHERE installation_id = ?1",
            [&e.installation_id],
            |r| {
                Ok(Anchor {
                    count: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
        .optional()
        .map_err(storage)?;
    let decision = decide(current, anchor.as_ref(), e);
    let answer = outcome(&decision, s);
    let Decision::Store { supersede } = decision else {
        return Ok(answer);
    };
    if s.dry_run {
        return Ok(answer);
    }
    if let Some(old) = supersede {
        tx.execute(
            "UPDATE submissions SET superseded_at = ?1 WHERE id = ?2",
            params![s.received_at, old.id],
        )
        .map_err(storage)?;
        add_facts(&tx, &e.period, &e.city, &facts_of_held(&old)?, -1)?;
    }
    tx.execute(
        "INSERT INTO submissions (installation_id, city, period, dataset, dataset_version, revision,
            payload_sha256, envelope, audit_count, audit_hash, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            e.installation_id,
            e.city,
            e.period,
            e.dataset,
            e.dataset_version,
            e.revision,
            e.payload_sha256,
            s.envelope_json,
            e.audit_head.count as i64,
            e.audit_head.hash,
            s.received_at
        ],
    )
    .map_err(storage)?;
    add_facts(&tx, &e.period, &e.city, &s.flattened.facts, 1)?;
    let next = next_anchor(anchor.as_ref(), e);
    tx.execute(
        "INSERT INTO anchors (installation_id, audit_count, audit_hash, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (installation_id) DO UPDATE SET audit_count = excluded.audit_count,
            audit_hash = excluded.audit_hash, updated_at = excluded.updated_at",
        params![e.installation_id, next.count, next.hash, s.received_at],
    )
    .map_err(storage)?;
    for (code, name) in &s.flattened.names {
        tx.execute(
            "INSERT INTO org_names (code, name) VALUES (?1, ?2)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            params![code, name],
        )
        .map_err(storage)?;
    }
    tx.commit().map_err(storage)?;
    Ok(answer)
}

impl Repository for SqliteRepo {
    async fn meta(&self, key: &str) -> HubResult<Option<String>> {
        let key = key.to_string();
        self.with(move |c| {
            c.query_row("SELECT value FROM hub_meta WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(storage)
        })
        .await
    }

    async fn meta_remove(&self, key: &str) -> HubResult<()> {
        let key = key.to_string();
        self.with(move |c| {
            c.execute("DELETE FROM hub_meta WHERE key = ?1", [key])
                .map(drop)
                .map_err(storage)
        })
        .await
    }

    async fn meta_or_insert(&self, key: &str, value: &str) -> HubResult<String> {
        let (key, value) = (key.to_string(), value.to_string());
        self.with(move |c| {
            c.execute(
                "INSERT INTO hub_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
                params![key, value],
            )
            .map_err(storage)?;
            c.query_row("SELECT value FROM hub_meta WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .map_err(storage)
        })
        .await
    }

    async fn add_installations(&self, list: &[Installation]) -> HubResult<()> {
        let list = list.to_vec();
        self.with(move |c| {
            let tx = c.transaction().map_err(storage)?;
            for i in &list {
                tx.execute(
                    &format!("INSERT INTO installations ({INSTALLATION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                    params![
                        i.installation_id,
                        i.public_key,
                        i.name,
                        join(&i.cities),
                        join(&i.organisations),
                        i.registered_at,
                        i.revoked_at
                    ],
                )
                .map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation) => HubError::Invalid(format!(
                        "installation {} or its public key is registered already",
                        i.installation_id
                    )),
                    _ => storage(e),
                })?;
            }
            tx.commit().map_err(storage)
        })
        .await
    }

    async fn installations(&self) -> HubResult<Vec<Installation>> {
        self.with(|c| {
            let mut stmt = c
                .prepare(&format!(
                    "SELECT {INSTALLATION_COLUMNS} FROM installations ORDER BY name, installation_id"
                ))
                .map_err(storage)?;
            let rows = stmt.query_map([], installation).map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)
        })
        .await
    }

    async fn revoke(&self, installation_id: &str, at: &str) -> HubResult<bool> {
        let (id, at) = (installation_id.to_string(), at.to_string());
        self.with(move |c| {
            Ok(c.execute(
                "UPDATE installations SET revoked_at = ?2
                 WHERE installation_id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map_err(storage)?
                == 1)
        })
        .await
    }

    async fn installation_by_key(&self, public_key: &str) -> HubResult<Option<Installation>> {
        let key = public_key.to_ascii_lowercase();
        self.with(move |c| {
            c.query_row(
                &format!("SELECT {INSTALLATION_COLUMNS} FROM installations WHERE public_key = ?1"),
                [key],
                installation,
            )
            .optional()
            .map_err(storage)
        })
        .await
    }

    async fn submit(&self, s: &Submission) -> HubResult<Result<Outcome, Refusal>> {
        let s = s.clone();
        self.with(move |c| submit_in(c, &s)).await
    }

    async fn totals(
        &self,
        period: Option<&str>,
        metrics: &[(&str, &str)],
    ) -> HubResult<Vec<Total>> {
        let period = period.map(str::to_string);
        let metrics: Vec<(String, String)> = metrics
            .iter()
            .map(|(t, m)| (t.to_string(), m.to_string()))
            .collect();
        self.with(move |c| {
            let map = |r: &rusqlite::Row| {
                Ok(Total {
                    period: r.get(0)?,
                    city: r.get(1)?,
                    table: r.get(2)?,
                    insurer: r.get(3)?,
                    bank: r.get(4)?,
                    kind: r.get(5)?,
                    metric: r.get(6)?,
                    value: r.get(7)?,
                })
            };
            let select = "SELECT period, city, tbl, insurer, bank, kind, metric, value FROM totals";
            let mut out = Vec::new();
            match period {
                Some(p) => {
                    let mut stmt = c
                        .prepare(&format!("{select} WHERE period = ?1 AND value <> 0"))
                        .map_err(storage)?;
                    for row in stmt.query_map([p], map).map_err(storage)? {
                        out.push(row.map_err(storage)?);
                    }
                }
                None => {
                    let mut stmt = c
                        .prepare(
                            "SELECT period, city, tbl, '', '', '', metric, value FROM city_totals
                             WHERE tbl = ?1 AND metric = ?2",
                        )
                        .map_err(storage)?;
                    for (t, m) in &metrics {
                        for row in stmt.query_map(params![t, m], map).map_err(storage)? {
                            out.push(row.map_err(storage)?);
                        }
                    }
                }
            }
            Ok(out)
        })
        .await
    }

    async fn reported(&self, period: &str) -> HubResult<Vec<Reported>> {
        let period = period.to_string();
        self.with(move |c| {
            let mut stmt = c
                .prepare(
                    "SELECT installation_id, city, revision, received_at FROM submissions
                     WHERE period = ?1 AND superseded_at IS NULL ORDER BY installation_id, city",
                )
                .map_err(storage)?;
            let rows = stmt
                .query_map([period], |r| {
                    Ok(Reported {
                        installation_id: r.get(0)?,
                        city: r.get(1)?,
                        revision: r.get(2)?,
                        received_at: r.get(3)?,
                    })
                })
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)
        })
        .await
    }

    async fn periods(&self) -> HubResult<Vec<String>> {
        self.with(|c| {
            let mut stmt = c
                .prepare(
                    "WITH RECURSIVE p (period) AS (
                    SELECT min(period) FROM totals
                    UNION ALL
                    SELECT (SELECT min(period) FROM totals WHERE period > p.period) FROM p
                    WHERE p.period IS NOT NULL
                 )
                 SELECT period FROM p WHERE period IS NOT NULL",
                )
                .map_err(storage)?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)
        })
        .await
    }

    async fn history(&self, period: &str) -> HubResult<Vec<Received>> {
        let period = period.to_string();
        self.with(move |c| {
            let mut stmt = c
                .prepare(
                    "SELECT installation_id, city, period, revision, payload_sha256, received_at, superseded_at
                     FROM submissions WHERE period = ?1 ORDER BY installation_id, city, revision",
                )
                .map_err(storage)?;
            let rows = stmt
                .query_map([period], |r| {
                    Ok(Received {
                        installation_id: r.get(0)?,
                        city: r.get(1)?,
                        period: r.get(2)?,
                        revision: r.get(3)?,
                        payload_sha256: r.get(4)?,
                        received_at: r.get(5)?,
                        superseded_at: r.get(6)?,
                    })
                })
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)
        })
        .await
    }

    async fn org_names(&self) -> HubResult<Vec<(String, String)>> {
        self.with(|c| {
            let mut stmt = c
                .prepare("SELECT code, name FROM org_names ORDER BY code")
                .map_err(storage)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)
        })
        .await
    }

    async fn anchor(&self, installation_id: &str) -> HubResult<Option<Anchor>> {
        let id = installation_id.to_string();
        self.with(move |c| {
            c.query_row(
                "SELECT audit_count, audit_hash FROM anchors WHERE installation_id = ?1",
                [id],
                |r| {
                    Ok(Anchor {
                        count: r.get(0)?,
                        hash: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(storage)
        })
        .await
    }
}
