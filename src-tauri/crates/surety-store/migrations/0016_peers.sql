-- Issue 16: the installations this one exchanges bundles with (the office for a field
-- laptop, the field laptops and partner offices for an office): who they are, the Ed25519
-- key their bundles must be signed with, and the age key bundles to them are sealed to.
CREATE TABLE peers (
  installation_id TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  signing_key     TEXT NOT NULL UNIQUE,
  seal_recipient  TEXT NOT NULL,
  added_at        TEXT NOT NULL,
  added_by        TEXT NOT NULL
);
