-- R-CLAIM-4 (§4.3 拒赔/拖赔): the days an agreement gives the insurer to pay a filed claim,
-- and a refusal with its date and reason.
ALTER TABLE agreements ADD COLUMN claim_payment_days INTEGER NOT NULL DEFAULT 10
  CHECK (claim_payment_days BETWEEN 1 AND 90);
ALTER TABLE claims ADD COLUMN refused_on TEXT;
ALTER TABLE claims ADD COLUMN refusal_reason TEXT;
