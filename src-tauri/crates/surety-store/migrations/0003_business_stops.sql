-- R-STOP-1: reaching the stop ratio is an event, recorded once per insurer, city and pilot
-- year; new business stays stopped for the rest of that year even if a later premium
-- brings the running ratio back under.
CREATE TABLE business_stops (
  id           INTEGER PRIMARY KEY,
  insurer_id   INTEGER NOT NULL REFERENCES organisations(id),
  city         TEXT NOT NULL,
  year_start   TEXT NOT NULL,
  year_end     TEXT NOT NULL,
  stopped_on   TEXT NOT NULL,
  premiums_fen INTEGER NOT NULL,
  claims_fen   INTEGER NOT NULL,
  ratio        TEXT NOT NULL,
  case_no      TEXT NOT NULL,
  UNIQUE (insurer_id, city, year_start)
);
