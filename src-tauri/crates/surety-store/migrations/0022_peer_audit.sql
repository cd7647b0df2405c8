-- Issue 16: a field laptop's own audit chain, as its bundles bring it to the office: kept
-- with its origin, entry for entry, and verifiable from its genesis like the office's own.
CREATE TABLE peer_audit_log (
  origin    TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  summary   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  PRIMARY KEY (origin, seq)
);
CREATE TRIGGER peer_audit_log_no_update BEFORE UPDATE ON peer_audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER peer_audit_log_no_delete BEFORE DELETE ON peer_audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
