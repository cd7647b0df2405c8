-- R-STOP-2: the city government's payments of the compensation due above the stop line,
-- per insurer, city and pilot year (the year named by its first day).
CREATE TABLE compensation_payments (
  id          INTEGER PRIMARY KEY,
  insurer_id  INTEGER NOT NULL REFERENCES organisations(id),
  city        TEXT NOT NULL,
  year_start  TEXT NOT NULL,
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  paid_on     TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  recorded_by INTEGER REFERENCES users(id)
);
CREATE INDEX compensation_by_year ON compensation_payments(insurer_id, city, year_start);
