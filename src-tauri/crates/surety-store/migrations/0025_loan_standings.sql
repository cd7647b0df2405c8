-- Issue 17: what each loan's repayments amount to, kept in the transaction of every write
-- of its repayments or schedule (surety_store::standings), so that the dashboard reads one
-- row a loan instead of every schedule and repayment of the book.
CREATE TABLE loan_standings (
  case_id          INTEGER PRIMARY KEY REFERENCES cases(id),
  -- Principal and interest repaid in all, and the principal of it.
  paid_fen         INTEGER NOT NULL,
  principal_fen    INTEGER NOT NULL,
  -- The latest repayment's day (NULL: none yet).
  last_paid_on     TEXT,
  -- The due day of the first period that what was paid, applied oldest period first, does
  -- not cover (NULL: all are covered).
  first_unpaid_due TEXT,
  -- 1 once the schedule was ever replaced: its payments are read period by period instead.
  rescheduled      INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO loan_standings (case_id, paid_fen, principal_fen, last_paid_on, first_unpaid_due, rescheduled)
SELECT c.id,
       coalesce(r.paid, 0),
       coalesce(r.principal, 0),
       r.last,
       (SELECT s.due_date FROM (
            SELECT due_date, period,
                   sum(principal_fen + interest_fen) OVER (ORDER BY period) AS owed,
                   sum(opening_interest_fen + opening_principal_fen) OVER () AS opening
            FROM schedule WHERE case_id = c.id) AS s
        WHERE s.owed > s.opening + coalesce(r.paid, 0)
        ORDER BY s.period LIMIT 1),
       EXISTS (SELECT 1 FROM schedule_history h WHERE h.case_id = c.id)
FROM cases c
LEFT JOIN (SELECT case_id, sum(principal_fen + interest_fen) AS paid, sum(principal_fen) AS principal,
                  max(paid_on) AS last
           FROM repayments GROUP BY case_id) AS r ON r.case_id = c.id
WHERE EXISTS (SELECT 1 FROM schedule WHERE case_id = c.id);

-- The loans on the banks' books (the dashboard's NPL lines) read from an index holding
-- what they need, instead of a seek into each case's row.
CREATE INDEX cases_on_the_books ON cases(status, bank_id, case_no);

-- The dashboard's disbursements by month, summed by day along this index.
CREATE INDEX disbursements_by_day ON disbursements(disbursed_on, amount_fen);
