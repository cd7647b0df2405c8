-- Issue 15: the outbox holds each signed quarterly envelope until the hub has it: for
-- which city and organisation, its payload's hash, and where delivery stands.
ALTER TABLE outbox ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
  CHECK (state IN ('pending', 'delivered', 'refused'));
ALTER TABLE outbox ADD COLUMN receipt_json TEXT;
ALTER TABLE outbox ADD COLUMN refused_reason TEXT;
CREATE INDEX outbox_by_state ON outbox(state, id);
