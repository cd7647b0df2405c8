-- R-AMT-1 (§3.4): the per-borrower cap in principle is the bank–insurer agreement's to set;
-- NULL takes the province's (or Qingdao's own).
ALTER TABLE agreements ADD COLUMN borrower_soft_cap_fen INTEGER
  CHECK (borrower_soft_cap_fen IS NULL OR borrower_soft_cap_fen > 0);
