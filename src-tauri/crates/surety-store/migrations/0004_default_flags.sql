-- R-DEFAULT-1: when and in which case a borrower was found to evade debts maliciously, so
-- that a new application can be refused naming them.
ALTER TABLE borrowers ADD COLUMN flagged_on TEXT;
ALTER TABLE borrowers ADD COLUMN flagged_case TEXT;
