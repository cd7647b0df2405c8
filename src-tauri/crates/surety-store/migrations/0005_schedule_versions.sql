-- Early repayment: a loan's schedule can change after disbursement. `schedule` keeps the
-- version in force; each replaced version is kept in `schedule_history`, described in
-- `schedule_versions`. What was paid before a version began is carried onto its periods
-- (`opening_*`), and each repayment says which version it was allocated against.
ALTER TABLE schedule ADD COLUMN opening_interest_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedule ADD COLUMN opening_principal_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN schedule_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE repayments ADD COLUMN schedule_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE repayments ADD COLUMN kind TEXT NOT NULL DEFAULT 'installment'
  CHECK (kind IN ('installment', 'prepayment', 'payoff'));

CREATE TABLE schedule_versions (
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  version  INTEGER NOT NULL,
  made_on  TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('contract', 'prepayment', 'payoff')),
  made_by  INTEGER REFERENCES users(id),
  PRIMARY KEY (case_id, version)
) WITHOUT ROWID;

CREATE TABLE schedule_history (
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  version       INTEGER NOT NULL,
  period        INTEGER NOT NULL,
  due_date      TEXT NOT NULL,
  principal_fen INTEGER NOT NULL,
  interest_fen  INTEGER NOT NULL,
  payment_fen   INTEGER NOT NULL,
  balance_fen   INTEGER NOT NULL,
  PRIMARY KEY (case_id, version, period)
) WITHOUT ROWID;
