-- Issue 16: cases that came from a field laptop keep the number it gave them and where it
-- came from; a laptop keeps each application's intake exactly as entered (replayed by the
-- office) and when it was sent; an office keeps every bundle event it took in, so that the
-- same bundle twice changes nothing and a known event with other content is refused.
ALTER TABLE cases ADD COLUMN provisional_no TEXT;
ALTER TABLE cases ADD COLUMN origin_installation TEXT;
CREATE UNIQUE INDEX cases_by_provisional ON cases(origin_installation, provisional_no)
  WHERE provisional_no IS NOT NULL;
CREATE TABLE field_intakes (
  case_id    INTEGER PRIMARY KEY REFERENCES cases(id),
  input_json TEXT NOT NULL,
  sent_at    TEXT,
  bundle_id  TEXT
);
CREATE TABLE bundle_events (
  event_id          TEXT PRIMARY KEY,
  sha256            TEXT NOT NULL,
  bundle_id         TEXT NOT NULL,
  from_installation TEXT NOT NULL,
  applied_at        TEXT NOT NULL,
  outcome           TEXT NOT NULL,
  case_no           TEXT
);
