-- Issue 16: a section written on more than one installation (the site visit) is kept as
-- revisions, each naming the revision it was made on, so that a change from a bundle is
-- applied only on top of what it was made from; anything else is a conflict (both kept,
-- a person decides) or waits in the backlog for what it builds on.
CREATE TABLE section_revisions (
  event_id     TEXT PRIMARY KEY,
  case_id      INTEGER NOT NULL REFERENCES cases(id),
  section      TEXT NOT NULL,
  base         TEXT NOT NULL DEFAULT '',
  merged       TEXT NOT NULL DEFAULT '',
  content_json TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  party        TEXT NOT NULL,
  author       TEXT NOT NULL,
  installation TEXT NOT NULL,
  written_at   TEXT NOT NULL,
  -- The bundle it came in; NULL when written on this installation.
  bundle_id    TEXT
);
CREATE INDEX section_revisions_by_case ON section_revisions(case_id, section);
CREATE TABLE section_heads (
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  section  TEXT NOT NULL,
  event_id TEXT NOT NULL REFERENCES section_revisions(event_id),
  PRIMARY KEY (case_id, section)
);
-- Which bundle events (revisions, and later a partner office's cases and steps) went to
-- which installation.
CREATE TABLE events_sent (
  event_id  TEXT NOT NULL,
  peer      TEXT NOT NULL,
  bundle_id TEXT NOT NULL,
  sent_at   TEXT NOT NULL,
  PRIMARY KEY (event_id, peer)
);
CREATE TABLE section_conflicts (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  section     TEXT NOT NULL,
  ours        TEXT NOT NULL REFERENCES section_revisions(event_id),
  theirs      TEXT NOT NULL REFERENCES section_revisions(event_id),
  opened_at   TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  resolution  TEXT
);
CREATE UNIQUE INDEX section_conflicts_open ON section_conflicts(case_id, section)
  WHERE resolved_at IS NULL;
-- A revision whose case or base revision has not arrived yet.
CREATE TABLE section_backlog (
  event_id          TEXT PRIMARY KEY,
  sha256            TEXT NOT NULL,
  bundle_id         TEXT NOT NULL,
  from_installation TEXT NOT NULL,
  part_json         TEXT NOT NULL,
  waiting_for       TEXT NOT NULL,
  since             TEXT NOT NULL
);
