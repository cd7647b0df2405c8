-- R-REPORT-1 and R-SUBSIDY-1 read figures as of a past day: the principal and interest of
-- each repayment as columns (summed without parsing JSON), the day a case was closed, the
-- opening figures of replaced schedule versions, the frozen quarters and the cities'
-- subsidy payments.
ALTER TABLE repayments ADD COLUMN principal_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repayments ADD COLUMN interest_fen INTEGER NOT NULL DEFAULT 0;
UPDATE repayments SET
  interest_fen = (SELECT coalesce(sum(json_extract(value, '$[1]')), 0) FROM json_each(repayments.allocation_json)),
  principal_fen = (SELECT coalesce(sum(json_extract(value, '$[2]')), 0) FROM json_each(repayments.allocation_json));
CREATE INDEX repayments_by_day ON repayments(paid_on);

-- Cases closed before this migration get the day of their last recorded event.
ALTER TABLE cases ADD COLUMN closed_on TEXT;
UPDATE cases SET closed_on = nullif(max(
    coalesce((SELECT max(max(filed_on, coalesce(paid_on, ''), coalesce(refused_on, ''))) FROM claims WHERE case_id = cases.id), ''),
    coalesce((SELECT max(received_on) FROM recoveries WHERE case_id = cases.id), ''),
    coalesce((SELECT max(paid_on) FROM repayments WHERE case_id = cases.id), ''),
    coalesce((SELECT max(disbursed_on) FROM disbursements WHERE case_id = cases.id), '')), '')
  WHERE status = 'closed';

ALTER TABLE schedule_history ADD COLUMN opening_interest_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedule_history ADD COLUMN opening_principal_fen INTEGER NOT NULL DEFAULT 0;

-- One row per closing of a quarter; the newest revision is the quarter's state, closed
-- unless it was reopened.
CREATE TABLE quarter_reports (
  period        TEXT NOT NULL,
  revision      INTEGER NOT NULL CHECK (revision > 0),
  figures_json  TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  closed_on     TEXT NOT NULL,
  closed_by     INTEGER REFERENCES users(id),
  reopened_on   TEXT,
  reopened_by   INTEGER REFERENCES users(id),
  reopen_reason TEXT,
  PRIMARY KEY (period, revision)
);

CREATE TABLE subsidy_payments (
  case_id      INTEGER NOT NULL REFERENCES cases(id),
  period       TEXT NOT NULL,
  premium_fen  INTEGER NOT NULL CHECK (premium_fen >= 0),
  interest_fen INTEGER NOT NULL CHECK (interest_fen >= 0),
  paid_on      TEXT NOT NULL,
  recorded_by  INTEGER REFERENCES users(id),
  PRIMARY KEY (case_id, period)
);
