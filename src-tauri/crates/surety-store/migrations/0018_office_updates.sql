-- Issue 16: on a field laptop, the office's word on each application it sent: the case
-- number issued, the status, each side's decision, as of the office's last bundle.
CREATE TABLE office_updates (
  case_id   INTEGER PRIMARY KEY REFERENCES cases(id),
  case_no   TEXT NOT NULL,
  status    TEXT NOT NULL,
  decisions TEXT NOT NULL,
  as_of     TEXT NOT NULL,
  bundle_id TEXT NOT NULL
);
