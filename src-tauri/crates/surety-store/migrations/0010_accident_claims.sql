-- R-CLAIM-3 (§3.1): borrower accident claims paid to the bank and applied to the loan. The
-- repayments a claim makes are of their own kind; SQLite cannot widen a CHECK in place, so
-- the repayments table is rebuilt with the same rows.
CREATE TABLE repayments_widened (
  id               INTEGER PRIMARY KEY,
  case_id          INTEGER NOT NULL REFERENCES cases(id),
  paid_on          TEXT NOT NULL,
  amount_fen       INTEGER NOT NULL CHECK (amount_fen > 0),
  allocation_json  TEXT NOT NULL,
  recorded_by      INTEGER REFERENCES users(id),
  schedule_version INTEGER NOT NULL DEFAULT 1,
  kind             TEXT NOT NULL DEFAULT 'installment'
    CHECK (kind IN ('installment', 'prepayment', 'payoff', 'accident_claim'))
);
INSERT INTO repayments_widened
  (id, case_id, paid_on, amount_fen, allocation_json, recorded_by, schedule_version, kind)
  SELECT id, case_id, paid_on, amount_fen, allocation_json, recorded_by, schedule_version, kind
  FROM repayments;
DROP TABLE repayments;
ALTER TABLE repayments_widened RENAME TO repayments;
CREATE INDEX repayments_by_case ON repayments(case_id);

CREATE TABLE accident_claims (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  occurred_on TEXT NOT NULL,
  cause       TEXT NOT NULL,
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  paid_on     TEXT NOT NULL,
  recorded_by INTEGER REFERENCES users(id)
);
CREATE INDEX accident_claims_by_case ON accident_claims(case_id);
