-- The hub's tables, for PostgreSQL and (with BIGSERIAL as SQLite's autoincrement) SQLite.
-- Times are RFC 3339 text in UTC from the hub's own clock; money is
-- whole fen (BIGINT), so PostgreSQL and SQLite hold the same figures.
CREATE TABLE hub_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Registered out of band: an installation is known by its public key.
CREATE TABLE installations (
  installation_id TEXT PRIMARY KEY,
  public_key      TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  cities          TEXT NOT NULL,   -- city codes, comma-separated
  organisations   TEXT NOT NULL,   -- organisation codes it reports for, comma-separated
  registered_at   TEXT NOT NULL,
  revoked_at      TEXT
);

-- Every revision received, kept for history; the current one has no superseded_at.
CREATE TABLE submissions (
  id              BIGSERIAL PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations (installation_id),
  city            TEXT NOT NULL,
  period          TEXT NOT NULL,
  dataset         TEXT NOT NULL,
  dataset_version INTEGER NOT NULL,
  revision        INTEGER NOT NULL,
  payload_sha256  TEXT NOT NULL,
  envelope        TEXT NOT NULL,
  audit_count     BIGINT NOT NULL,
  audit_hash      TEXT NOT NULL,
  received_at     TEXT NOT NULL,
  superseded_at   TEXT,
  UNIQUE (installation_id, city, period, dataset, revision)
);
CREATE UNIQUE INDEX submissions_current
  ON submissions (installation_id, city, period, dataset) WHERE superseded_at IS NULL;
CREATE INDEX submissions_by_period ON submissions (period) WHERE superseded_at IS NULL;

-- Each installation's newest audit chain head (count, hash): the anchor.
CREATE TABLE anchors (
  installation_id TEXT PRIMARY KEY REFERENCES installations (installation_id),
  audit_count     BIGINT NOT NULL,
  audit_hash      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);

-- The province's sums of the current submissions, kept in the submitting transaction.
CREATE TABLE totals (
  period  TEXT NOT NULL,
  city    TEXT NOT NULL,
  tbl     TEXT NOT NULL,
  insurer TEXT NOT NULL,
  bank    TEXT NOT NULL,
  kind    TEXT NOT NULL,
  metric  TEXT NOT NULL,
  value   BIGINT NOT NULL,
  PRIMARY KEY (period, city, tbl, insurer, bank, kind, metric)
);
CREATE INDEX totals_by_metric ON totals (tbl, metric, period);

-- Organisation names as the installations last sent them.
CREATE TABLE org_names (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
