-- Issue 17: names of two characters (张伟, 李娜 — a good part of the province's farmers)
-- found through an index instead of a scan of every borrower: each two-character piece
-- of each name (lower-cased), kept by the trigger that also feeds the trigram index.
-- Positions 1..255 cover any name the service takes (names are at most 100 characters).
CREATE TABLE name_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 255)
INSERT INTO name_positions (n) SELECT n FROM p;

CREATE TABLE borrower_bigrams (
  gram        TEXT NOT NULL,
  borrower_id INTEGER NOT NULL REFERENCES borrowers(id),
  PRIMARY KEY (gram, borrower_id)
) WITHOUT ROWID;

INSERT OR IGNORE INTO borrower_bigrams (gram, borrower_id)
SELECT lower(substr(b.name, p.n, 2)), b.id
FROM borrowers b JOIN name_positions p ON p.n < length(b.name);

CREATE TRIGGER borrowers_bigrams_ai AFTER INSERT ON borrowers BEGIN
  INSERT OR IGNORE INTO borrower_bigrams (gram, borrower_id)
  SELECT lower(substr(new.name, n, 2)), new.id FROM name_positions WHERE n < length(new.name);
END;
CREATE TRIGGER borrowers_bigrams_au AFTER UPDATE OF name ON borrowers BEGIN
  DELETE FROM borrower_bigrams WHERE borrower_id = old.id;
  INSERT OR IGNORE INTO borrower_bigrams (gram, borrower_id)
  SELECT lower(substr(new.name, n, 2)), new.id FROM name_positions WHERE n < length(new.name);
END;
CREATE TRIGGER borrowers_bigrams_ad AFTER DELETE ON borrowers BEGIN
  DELETE FROM borrower_bigrams WHERE borrower_id = old.id;
END;

-- The case list sorted by amount (largest first is the window's 金额 column) read from
-- an index instead of sorting every case (23 ms at 100,000 cases without it).
CREATE INDEX cases_principal ON cases(principal_fen, id);
