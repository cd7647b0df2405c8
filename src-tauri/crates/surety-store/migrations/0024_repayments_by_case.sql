-- Issue 17: a loan's repayments read from one index (covering what the book, the dashboard
-- and the quarter report sum), instead of a seek into the table for each repayment: the
-- table's rows lie in the order they were paid, scattered over the file, and with
-- SQLCipher each page read is a decryption.
CREATE INDEX repayments_by_case_paid ON repayments(case_id, paid_on, amount_fen, principal_fen, interest_fen);
DROP INDEX repayments_by_case;
