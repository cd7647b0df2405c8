-- Surety Desk schema v1. Money is integer fen (never REAL); rates and shares are exact
-- decimal text; dates are ISO text (YYYY-MM-DD), timestamps RFC 3339 UTC.
-- No STRICT tables: Debian 12's sqlcipher shell (SQLite 3.15), the administrator's
-- emergency tool, cannot parse them; the repositories bind typed values instead.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Insurers, coinsurance pools, bank branches, city offices.
CREATE TABLE organisations (
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL CHECK (kind IN ('insurer', 'pool', 'bank', 'city')),
  code      TEXT NOT NULL UNIQUE,
  name      TEXT NOT NULL,
  city      TEXT,
  active    INTEGER NOT NULL DEFAULT 1
);

-- §3.2.3: pool members' shares sum to 100% with one lead (checked in surety-domain).
CREATE TABLE pool_members (
  pool_id    INTEGER NOT NULL REFERENCES organisations(id),
  insurer_id INTEGER NOT NULL REFERENCES organisations(id),
  share      TEXT NOT NULL,
  is_lead    INTEGER NOT NULL CHECK (is_lead IN (0, 1)),
  PRIMARY KEY (pool_id, insurer_id)
);

-- §3.3 one-to-one bank–insurer agreements and what the policy leaves to them.
CREATE TABLE agreements (
  id                  INTEGER PRIMARY KEY,
  bank_id             INTEGER NOT NULL REFERENCES organisations(id),
  insurer_id          INTEGER NOT NULL REFERENCES organisations(id),
  city                TEXT NOT NULL,
  insurer_share       TEXT NOT NULL,
  waiting_period_days INTEGER NOT NULL CHECK (waiting_period_days > 0),
  guarantee_rate      TEXT NOT NULL,
  accident_rate       TEXT NOT NULL,
  signed_on           TEXT NOT NULL,
  UNIQUE (bank_id, insurer_id, city)
);

CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('admin', 'underwriter', 'bank_officer', 'field_agent', 'auditor')),
  organisation_id INTEGER REFERENCES organisations(id),
  active          INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL
);

-- R-RATE-1 reference rates with effective dates, editable by an admin.
CREATE TABLE reference_rates (
  effective TEXT PRIMARY KEY,
  kind      TEXT NOT NULL CHECK (kind IN ('pboc_benchmark', 'lpr1y')),
  rate      TEXT NOT NULL
);

-- The Settings value (surety-domain) as TOML, one row.
CREATE TABLE settings (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  toml TEXT NOT NULL
);

-- Per-organisation number sequences for contracts and policies.
CREATE TABLE sequences (
  organisation_id INTEGER NOT NULL REFERENCES organisations(id),
  doc_kind        TEXT NOT NULL,
  year            INTEGER NOT NULL,
  next            INTEGER NOT NULL,
  PRIMARY KEY (organisation_id, doc_kind, year)
);

CREATE TABLE borrowers (
  id                 INTEGER PRIMARY KEY,
  kind               TEXT NOT NULL CHECK (kind IN ('micro_enterprise', 'farmer', 'cooperative', 'entrepreneur')),
  name               TEXT NOT NULL CHECK (length(name) > 0),
  id_number          TEXT NOT NULL UNIQUE,
  id_check_override  TEXT,
  city               TEXT NOT NULL,
  address            TEXT NOT NULL DEFAULT '',
  phone              TEXT NOT NULL DEFAULT '',
  legal_rep          TEXT NOT NULL DEFAULT '',
  operating_since    TEXT NOT NULL,
  flagged_evasion    INTEGER NOT NULL DEFAULT 0,
  flagged_reason     TEXT,
  created_at         TEXT NOT NULL
);

-- Substring search of Chinese names: trigram full-text index (3+ characters).
CREATE VIRTUAL TABLE borrower_names USING fts5(name, content='borrowers', content_rowid='id', tokenize='trigram');
CREATE TRIGGER borrowers_ai AFTER INSERT ON borrowers BEGIN
  INSERT INTO borrower_names(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER borrowers_ad AFTER DELETE ON borrowers BEGIN
  INSERT INTO borrower_names(borrower_names, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER borrowers_au AFTER UPDATE OF name ON borrowers BEGIN
  INSERT INTO borrower_names(borrower_names, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO borrower_names(rowid, name) VALUES (new.id, new.name);
END;

CREATE TABLE cases (
  id               INTEGER PRIMARY KEY,
  case_no          TEXT NOT NULL UNIQUE,
  borrower_id      INTEGER NOT NULL REFERENCES borrowers(id),
  city             TEXT NOT NULL,
  bank_id          INTEGER REFERENCES organisations(id),
  insurer_id       INTEGER REFERENCES organisations(id),
  agreement_id     INTEGER REFERENCES agreements(id),
  status           TEXT NOT NULL,
  principal_fen    INTEGER NOT NULL CHECK (principal_fen > 0),
  annual_rate      TEXT NOT NULL,
  term_months      INTEGER NOT NULL CHECK (term_months > 0),
  repayment        TEXT NOT NULL,
  guarantee_rate   TEXT NOT NULL,
  accident_rate    TEXT NOT NULL,
  application_date TEXT NOT NULL,
  contract_date    TEXT,
  quote_json       TEXT NOT NULL,
  created_by       INTEGER REFERENCES users(id),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  -- Bumped on every change: a stale form cannot overwrite a newer state.
  version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_by_borrower ON cases(borrower_id);
CREATE INDEX cases_by_status_date ON cases(status, application_date);
CREATE INDEX cases_by_city_status_date ON cases(city, status, application_date);
CREATE INDEX cases_by_date ON cases(application_date);
CREATE INDEX cases_by_city_date ON cases(city, application_date);

-- R-ELIG-3 findings and notes of each side's independent investigation.
CREATE TABLE investigations (
  case_id         INTEGER NOT NULL REFERENCES cases(id),
  side            TEXT NOT NULL CHECK (side IN ('insurer', 'bank')),
  findings_json   TEXT NOT NULL,
  note            TEXT NOT NULL DEFAULT '',
  attachments     TEXT NOT NULL DEFAULT '[]',
  investigator_id INTEGER REFERENCES users(id),
  completed_on    TEXT NOT NULL,
  PRIMARY KEY (case_id, side)
);

-- 会商: joint review notes.
CREATE TABLE review_notes (
  id         INTEGER PRIMARY KEY,
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  author_id  INTEGER REFERENCES users(id),
  note       TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- R-VETO-1: each side decides on its own.
CREATE TABLE decisions (
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  side       TEXT NOT NULL CHECK (side IN ('insurer', 'bank')),
  approve    INTEGER NOT NULL CHECK (approve IN (0, 1)),
  reason     TEXT NOT NULL DEFAULT '',
  decided_by INTEGER REFERENCES users(id),
  decided_on TEXT NOT NULL,
  PRIMARY KEY (case_id, side)
);

-- R-AMT-1: both sides approve an amount over the cap in principle, with a reason.
CREATE TABLE exception_approvals (
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  side        TEXT NOT NULL CHECK (side IN ('insurer', 'bank')),
  reason      TEXT NOT NULL CHECK (length(reason) > 0),
  approved_by INTEGER REFERENCES users(id),
  approved_on TEXT NOT NULL,
  PRIMARY KEY (case_id, side)
);

CREATE TABLE contracts (
  case_id   INTEGER NOT NULL REFERENCES cases(id),
  doc_kind  TEXT NOT NULL CHECK (doc_kind IN ('loan_contract', 'guarantee_policy', 'accident_policy')),
  doc_no    TEXT NOT NULL UNIQUE,
  signed_on TEXT NOT NULL,
  PRIMARY KEY (case_id, doc_kind)
);

CREATE TABLE premiums (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  line        TEXT NOT NULL CHECK (line IN ('guarantee', 'accident')),
  amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
  received_on TEXT NOT NULL
);
CREATE INDEX premiums_by_case ON premiums(case_id);

CREATE TABLE schedule (
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  period        INTEGER NOT NULL,
  due_date      TEXT NOT NULL,
  principal_fen INTEGER NOT NULL,
  interest_fen  INTEGER NOT NULL,
  payment_fen   INTEGER NOT NULL,
  balance_fen   INTEGER NOT NULL,
  PRIMARY KEY (case_id, period)
) WITHOUT ROWID;

CREATE TABLE disbursements (
  case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  disbursed_on TEXT NOT NULL
);

CREATE TABLE repayments (
  id              INTEGER PRIMARY KEY,
  case_id         INTEGER NOT NULL REFERENCES cases(id),
  paid_on         TEXT NOT NULL,
  amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
  allocation_json TEXT NOT NULL,
  recorded_by     INTEGER REFERENCES users(id)
);
CREATE INDEX repayments_by_case ON repayments(case_id);

CREATE TABLE overdue_events (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  as_of   TEXT NOT NULL,
  since   TEXT NOT NULL,
  days    INTEGER NOT NULL,
  class   TEXT NOT NULL
);

-- R-CLAIM-2 figures and the R-SHARE-1 split, as computed when filed.
CREATE TABLE claims (
  case_id                   INTEGER PRIMARY KEY REFERENCES cases(id),
  cutoff                    TEXT NOT NULL,
  outstanding_principal_fen INTEGER NOT NULL,
  interest_due_fen          INTEGER NOT NULL,
  interest_accrued_fen      INTEGER NOT NULL,
  recovered_before_fen      INTEGER NOT NULL,
  loss_fen                  INTEGER NOT NULL,
  insurer_fen               INTEGER NOT NULL,
  bank_fen                  INTEGER NOT NULL,
  members_json              TEXT NOT NULL,
  filed_on                  TEXT NOT NULL,
  paid_on                   TEXT
);

-- R-RECOV-1: each recovery and its split.
CREATE TABLE recoveries (
  id           INTEGER PRIMARY KEY,
  case_id      INTEGER NOT NULL REFERENCES cases(id),
  received_on  TEXT NOT NULL,
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  insurer_fen  INTEGER NOT NULL,
  bank_fen     INTEGER NOT NULL,
  members_json TEXT NOT NULL,
  before_claim INTEGER NOT NULL CHECK (before_claim IN (0, 1))
);

-- R-SUBSIDY-1 per case.
CREATE TABLE subsidies (
  case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
  premium_fen  INTEGER NOT NULL,
  interest_fen INTEGER NOT NULL,
  computed_on  TEXT NOT NULL
);

-- Province reports waiting to be pushed (summary statistics only).
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  period     TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  payload    TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at    TEXT,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);

-- R-AUDIT-1: append-only, each entry chained to the previous by SHA-256.
CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  summary   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
