//! PostgreSQL storage for a province (tokio-postgres with a deadpool pool; migrations in
//! `migrations/`, shared with SQLite, applied in order at start and recorded in `hub_migrations`). A
//! submission locks its (installation, city, period, dataset) and the installation's anchor
//! with `FOR UPDATE`; two first submissions racing for the same key meet at the unique
//! index, and the loser runs again and finds the winner's row.

use crate::dataset::Fact;
use crate::refusal::Refusal;
use crate::repo::*;

mod readers;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row};

/// The hub's migrations, in order (SQLite runs the same files).
pub(crate) const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_hub", include_str!("../../migrations/0001_hub.sql")),
    (
        "0002_city_totals",
        include_str!("../../migrations/0002_city_totals.sql"),
    ),
    (
        "0003_readers",
        include_str!("../../migrations/0003_readers.sql"),
    ),
];

#[derive(Clone)]
pub struct PgRepo {
    pool: Pool,
}

fn storage(e: impl std::fmt::Display) -> HubError {
    HubError::Storage(e.to_string())
}

/// tokio-postgres says only "db error" for what the server refused: the server's own words.
fn described(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}

/// Why one try at a submission failed.
#[derive(Debug, thiserror::Error)]
enum TryError {
    #[error(transparent)]
    Query(#[from] tokio_postgres::Error),
    #[error("the database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
}

/// A race another transaction won: run again.
fn is_retryable(e: &TryError) -> bool {
    matches!(e, TryError::Query(e) if matches!(
        e.code(),
        Some(c) if *c == SqlState::UNIQUE_VIOLATION
            || *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
    ))
}

impl PgRepo {
    /// Connects (the hub reaches its database on the office network or the same machine;
    /// no TLS to it) and brings the tables up to date.
    pub async fn connect(url: &str, max_connections: usize) -> HubResult<PgRepo> {
        let config: tokio_postgres::Config = url.parse().map_err(storage)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections)
            .build()
            .map_err(storage)?;
        let repo = PgRepo { pool };
        repo.migrate().await?;
        Ok(repo)
    }

    async fn migrate(&self) -> HubResult<()> {
        let mut client = self.pool.get().await.map_err(storage)?;
        client
            .batch_execute("CREATE TABLE IF NOT EXISTS hub_migrations (name TEXT PRIMARY KEY)")
            .await
            .map_err(storage)?;
        for (name, sql) in MIGRATIONS {
            let tx = client.transaction().await.map_err(storage)?;
            // One hub at a time migrates.
            tx.batch_execute("LOCK TABLE hub_migrations IN EXCLUSIVE MODE")
                .await
                .map_err(storage)?;
            let done = tx
                .query_opt("SELECT name FROM hub_migrations WHERE name = $1", &[name])
                .await
                .map_err(storage)?;
            if done.is_none() {
                tx.batch_execute(sql).await.map_err(storage)?;
                tx.execute("INSERT INTO hub_migrations VALUES ($1)", &[name])
                    .await
                    .map_err(storage)?;
            }
            tx.commit().await.map_err(storage)?;
        }
        Ok(())
    }

    async fn try_submit(&self, s: &Submission) -> Result<Result<Outcome, Refusal>, TryError> {
        let e = &s.envelope;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let current = tx
            .query_opt(
                "SELECT id, revision, payload_sha256, received_at, envelope FROM submissions
                 WHERE installation_id = $1 AND city = $2 AND period = $3 AND dataset = $4
                   AND superseded_at IS NULL FOR UPDATE",
                &[&e.installation_id, &e.city, &e.period, &e.dataset],
            )
            .await?
            .map(|r| Held {
                id: r.get(0),
                revision: r.get::<_, i32>(1) as u32,
                payload_sha256: r.get(2),
                received_at: r.get(3),
                envelope_json: r.get(4),
            });
        let anchor = tx
            .query_opt(
                "SELECT audit_count, audit_hash FROM anchors WHERE installation_id = $1 FOR UPDATE",
                &[&e.installation_id],
            )
            .await?
            .map(|r| Anchor {
                count: r.get(0),
                hash: r.get(1),
            });
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
                "UPDATE submissions SET superseded_at = $1 WHERE id = $2",
                &[&s.received_at, &old.id],
            )
            .await?;
            // The stored envelope was checked when it came in; it parses again.
            let old_facts = facts_of_held(&old).unwrap_or_default();
            add_facts(&tx, &e.period, &e.city, &old_facts, -1).await?;
        }
        tx.execute(
            "INSERT INTO submissions (installation_id, city, period, dataset, dataset_version,
                revision, payload_sha256, envelope, audit_count, audit_hash, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &e.installation_id,
                &e.city,
                &e.period,
                &e.dataset,
                &(e.dataset_version as i32),
                &(e.revision as i32),
                &e.payload_sha256,
                &s.envelope_json,
                &(e.audit_head.count as i64),
                &e.audit_head.hash,
                &s.received_at,
            ],
        )
        .await?;
        add_facts(&tx, &e.period, &e.city, &s.flattened.facts, 1).await?;
        let next = next_anchor(anchor.as_ref(), e);
        tx.execute(
            "INSERT INTO anchors (installation_id, audit_count, audit_hash, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (installation_id) DO UPDATE SET audit_count = excluded.audit_count,
                audit_hash = excluded.audit_hash, updated_at = excluded.updated_at",
            &[&e.installation_id, &next.count, &next.hash, &s.received_at],
        )
        .await?;
        for (code, name) in &s.flattened.names {
            tx.execute(
                "INSERT INTO org_names (code, name) VALUES ($1, $2)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                &[code, name],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(answer)
    }

    async fn client(&self) -> HubResult<deadpool_postgres::Object> {
        self.pool.get().await.map_err(storage)
    }
}

/// Adds (or with `sign` -1 takes out) facts in one statement; the rows go in key order
/// (facts are sorted), so concurrent submissions lock shared totals in the same order.
async fn add_facts(
    tx: &deadpool_postgres::Transaction<'_>,
    period: &str,
    city: &str,
    facts: &[Fact],
    sign: i64,
) -> Result<(), tokio_postgres::Error> {
    if facts.is_empty() {
        return Ok(());
    }
    let tables: Vec<&str> = facts.iter().map(|f| f.table).collect();
    let insurers: Vec<&str> = facts.iter().map(|f| f.insurer.as_str()).collect();
    let banks: Vec<&str> = facts.iter().map(|f| f.bank.as_str()).collect();
    let kinds: Vec<&str> = facts.iter().map(|f| f.kind.as_str()).collect();
    let metrics: Vec<&str> = facts.iter().map(|f| f.metric).collect();
    let values: Vec<i64> = facts.iter().map(|f| f.value * sign).collect();
    tx.execute(
        "INSERT INTO totals (period, city, tbl, insurer, bank, kind, metric, value)
         SELECT $1, $2, t.tbl, t.insurer, t.bank, t.kind, t.metric, t.value
         FROM UNNEST($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
              AS t (tbl, insurer, bank, kind, metric, value)
         ORDER BY t.tbl, t.insurer, t.bank, t.kind, t.metric
         ON CONFLICT (period, city, tbl, insurer, bank, kind, metric)
         DO UPDATE SET value = totals.value + excluded.value",
        &[
            &period, &city, &tables, &insurers, &banks, &kinds, &metrics, &values,
        ],
    )
    .await?;
    let sums = crate::dataset::city_sums(facts);
    let tables: Vec<&str> = sums.iter().map(|(t, _, _)| *t).collect();
    let metrics: Vec<&str> = sums.iter().map(|(_, m, _)| *m).collect();
    let values: Vec<i64> = sums.iter().map(|(_, _, v)| v * sign).collect();
    tx.execute(
        "INSERT INTO city_totals (period, city, tbl, metric, value)
         SELECT $1, $2, t.tbl, t.metric, t.value
         FROM UNNEST($3::text[], $4::text[], $5::bigint[]) AS t (tbl, metric, value)
         ORDER BY t.tbl, t.metric
         ON CONFLICT (tbl, metric, period, city)
         DO UPDATE SET value = city_totals.value + excluded.value",
        &[&period, &city, &tables, &metrics, &values],
    )
    .await?;
    Ok(())
}

fn installation(r: &Row) -> Installation {
    Installation {
        installation_id: r.get(0),
        public_key: r.get(1),
        name: r.get(2),
        cities: split(r.get(3)),
        organisations: split(r.get(4)),
        registered_at: r.get(5),
        revoked_at: r.get(6),
    }
}

const INSTALLATION_COLUMNS: &str =
    "installation_id, public_key, name, cities, organisations, registered_at, revoked_at";

impl Repository for PgRepo {
    async fn meta(&self, key: &str) -> HubResult<Option<String>> {
        Ok(self
            .client()
            .await?
            .query_opt("SELECT value FROM hub_meta WHERE key = $1", &[&key])
            .await
            .map_err(storage)?
            .map(|r| r.get(0)))
    }

    async fn meta_remove(&self, key: &str) -> HubResult<()> {
        self.client()
            .await?
            .execute("DELETE FROM hub_meta WHERE key = $1", &[&key])
            .await
            .map(drop)
            .map_err(storage)
    }

    async fn meta_or_insert(&self, key: &str, value: &str) -> HubResult<String> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO hub_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&key, &value],
        )
        .await
        .map_err(storage)?;
        Ok(
            c.query_one("SELECT value FROM hub_meta WHERE key = $1", &[&key])
                .await
                .map_err(storage)?
                .get(0),
        )
    }

    async fn add_installations(&self, list: &[Installation]) -> HubResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(storage)?;
        let insert = format!(
            "INSERT INTO installations ({INSTALLATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        for i in list {
            tx.execute(
                &insert,
                &[
                    &i.installation_id,
                    &i.public_key,
                    &i.name,
                    &join(&i.cities),
                    &join(&i.organisations),
                    &i.registered_at,
                    &i.revoked_at,
                ],
            )
            .await
            .map_err(|e| {
                if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    HubError::Invalid(format!(
                        "installation {} or its public key is registered already",
                        i.installation_id
                    ))
                } else {
                    storage(e)
                }
            })?;
        }
        tx.commit().await.map_err(storage)
    }

    async fn installations(&self) -> HubResult<Vec<Installation>> {
        Ok(self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT {INSTALLATION_COLUMNS} FROM installations ORDER BY name, installation_id"
                ),
                &[],
            )
            .await
            .map_err(storage)?
            .iter()
            .map(installation)
            .collect())
    }

    async fn revoke(&self, installation_id: &str, at: &str) -> HubResult<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE installations SET revoked_at = $2
                 WHERE installation_id = $1 AND revoked_at IS NULL",
                &[&installation_id, &at],
            )
            .await
            .map_err(storage)?
            == 1)
    }

    async fn installation_by_key(&self, public_key: &str) -> HubResult<Option<Installation>> {
        Ok(self
            .client()
            .await?
            .query_opt(
                &format!("SELECT {INSTALLATION_COLUMNS} FROM installations WHERE public_key = $1"),
                &[&public_key.to_ascii_lowercase()],
            )
            .await
            .map_err(storage)?
            .as_ref()
            .map(installation))
    }

    async fn submit(&self, s: &Submission) -> HubResult<Result<Outcome, Refusal>> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.try_submit(s).await {
                Ok(answer) => return Ok(answer),
                Err(e) if tries < 5 && is_retryable(&e) => continue,
                Err(TryError::Query(e)) => return Err(storage(described(&e))),
                Err(e) => return Err(storage(e)),
            }
        }
    }

    async fn totals(
        &self,
        period: Option<&str>,
        metrics: &[(&str, &str)],
    ) -> HubResult<Vec<Total>> {
        let c = self.client().await?;
        let rows = match period {
            Some(p) => {
                c.query(
                    "SELECT period, city, tbl, insurer, bank, kind, metric, value FROM totals
                     WHERE period = $1 AND value <> 0",
                    &[&p],
                )
                .await
            }
            None => {
                let tables: Vec<&str> = metrics.iter().map(|(t, _)| *t).collect();
                let names: Vec<&str> = metrics.iter().map(|(_, m)| *m).collect();
                c.query(
                    "SELECT t.period, t.city, t.tbl, '', '', '', t.metric, t.value
                     FROM city_totals t
                     JOIN UNNEST($1::text[], $2::text[]) AS m (tbl, metric)
                       ON t.tbl = m.tbl AND t.metric = m.metric",
                    &[&tables, &names],
                )
                .await
            }
        }
        .map_err(storage)?;
        Ok(rows
            .iter()
            .map(|r| Total {
                period: r.get(0),
                city: r.get(1),
                table: r.get(2),
                insurer: r.get(3),
                bank: r.get(4),
                kind: r.get(5),
                metric: r.get(6),
                value: r.get(7),
            })
            .collect())
    }

    async fn reported(&self, period: &str) -> HubResult<Vec<Reported>> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT installation_id, city, revision, received_at FROM submissions
                 WHERE period = $1 AND superseded_at IS NULL ORDER BY installation_id, city",
                &[&period],
            )
            .await
            .map_err(storage)?
            .iter()
            .map(|r| Reported {
                installation_id: r.get(0),
                city: r.get(1),
                revision: r.get::<_, i32>(2) as u32,
                received_at: r.get(3),
            })
            .collect())
    }

    async fn periods(&self) -> HubResult<Vec<String>> {
        Ok(self
            .client()
            .await?
            .query(
                "WITH RECURSIVE p (period) AS (
                    SELECT min(period) FROM totals
                    UNION ALL
                    SELECT (SELECT min(period) FROM totals WHERE period > p.period) FROM p
                    WHERE p.period IS NOT NULL
                 )
                 SELECT period FROM p WHERE period IS NOT NULL",
                &[],
            )
            .await
            .map_err(storage)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    async fn history(&self, period: &str) -> HubResult<Vec<Received>> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT installation_id, city, period, revision, payload_sha256, received_at, superseded_at
                     FROM submissions WHERE period = $1 ORDER BY installation_id, city, revision",
                &[&period],
            )
            .await
            .map_err(storage)?
            .iter()
            .map(|r| Received {
                installation_id: r.get(0),
                city: r.get(1),
                period: r.get(2),
                revision: r.get::<_, i32>(3) as u32,
                payload_sha256: r.get(4),
                received_at: r.get(5),
                superseded_at: r.get(6),
            })
            .collect())
    }

    async fn org_names(&self) -> HubResult<Vec<(String, String)>> {
        Ok(self
            .client()
            .await?
            .query("SELECT code, name FROM org_names ORDER BY code", &[])
            .await
            .map_err(storage)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    async fn anchor(&self, installation_id: &str) -> HubResult<Option<Anchor>> {
        Ok(self
            .client()
            .await?
            .query_opt(
                "SELECT audit_count, audit_hash FROM anchors WHERE installation_id = $1",
                &[&installation_id],
            )
            .await
            .map_err(storage)?
            .map(|r| Anchor {
                count: r.get(0),
                hash: r.get(1),
            }))
    }
}
