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

-- The quarter report reads each loan's recoveries by case.
CREATE INDEX recoveries_by_case ON recoveries(case_id);

-- The premium each policy carries (its quote's, in fen), kept with the policy so the
-- quarter's premiums written are a scan of the contracts, not a JSON read per case.
ALTER TABLE contracts ADD COLUMN premium_fen INTEGER;
UPDATE contracts SET premium_fen = (
  SELECT CAST(replace(json_extract(c.quote_json,
           CASE contracts.doc_kind WHEN 'guarantee_policy' THEN '$.guarantee_premium' ELSE '$.accident_premium' END),
         '.', '') AS INTEGER)
  FROM cases c WHERE c.id = contracts.case_id)
WHERE doc_kind IN ('guarantee_policy', 'accident_policy');
