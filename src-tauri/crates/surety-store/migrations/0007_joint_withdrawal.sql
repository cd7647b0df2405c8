-- After both sides approved, a case is withdrawn only by the two sides together: each
-- side's consent, with its reason. When the second consents, the premiums received are
-- refunded (recorded here) and leave the loss ratio from the refund day.
CREATE TABLE withdrawal_consents (
  case_id   INTEGER NOT NULL REFERENCES cases(id),
  side      TEXT NOT NULL CHECK (side IN ('insurer', 'bank')),
  reason    TEXT NOT NULL,
  agreed_by INTEGER REFERENCES users(id),
  agreed_on TEXT NOT NULL,
  PRIMARY KEY (case_id, side)
);

CREATE TABLE premium_refunds (
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  line        TEXT NOT NULL CHECK (line IN ('guarantee', 'accident')),
  amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
  refunded_on TEXT NOT NULL,
  PRIMARY KEY (case_id, line)
);
