-- R-CREDIT-1: what was last reported of each account (so the next file carries only
-- changes) and the files written.
CREATE TABLE credit_reported (
  institution   TEXT NOT NULL,
  acct_code     TEXT NOT NULL,
  record_type   TEXT NOT NULL,
  snapshot_json TEXT NOT NULL,
  reported_on   TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  PRIMARY KEY (institution, acct_code)
);

CREATE TABLE credit_files (
  file_name   TEXT PRIMARY KEY,
  institution TEXT NOT NULL,
  record_type TEXT NOT NULL,
  report_date TEXT NOT NULL,
  records     INTEGER NOT NULL CHECK (records >= 0),
  sha256      TEXT NOT NULL,
  created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX credit_files_by_day ON credit_files(institution, report_date, record_type);
