-- Issue 16: photos and scans attached to a section of a case (ID cards, licences,
-- premises, site visits, signed contracts), kept inside the encrypted database with their
-- SHA-256 and who added them when. `uid` names an attachment across installations.
CREATE TABLE attachments (
  id        INTEGER PRIMARY KEY,
  uid       TEXT NOT NULL UNIQUE,
  case_id   INTEGER NOT NULL REFERENCES cases(id),
  section   TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('jpeg', 'png', 'pdf')),
  file_name TEXT NOT NULL,
  bytes     INTEGER NOT NULL CHECK (bytes > 0),
  sha256    TEXT NOT NULL,
  width     INTEGER,
  height    INTEGER,
  content   BLOB NOT NULL,
  thumbnail BLOB,
  added_by  INTEGER NOT NULL REFERENCES users(id),
  added_at  TEXT NOT NULL,
  UNIQUE (case_id, section, sha256)
);
CREATE INDEX attachments_by_case ON attachments(case_id, id);
