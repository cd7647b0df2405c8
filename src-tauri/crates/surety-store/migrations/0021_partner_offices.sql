-- Issue 16: the bank's and the insurer's installations share their cases by bundles. A
-- peer speaks for the organisations it is registered with; every case keeps its intake as
-- entered so a partner can replay it (what went where: `events_sent`, 0020); the people of a partner
-- office, known here only as authors of what its bundles brought (they cannot sign in:
-- the key file has no entry for them).
ALTER TABLE peers ADD COLUMN organisations TEXT NOT NULL DEFAULT '';
CREATE TABLE intake_inputs (
  case_id    INTEGER PRIMARY KEY REFERENCES cases(id),
  input_json TEXT NOT NULL
);
ALTER TABLE section_backlog ADD COLUMN section TEXT NOT NULL DEFAULT 'site_visit';
ALTER TABLE users ADD COLUMN remote_installation TEXT;
