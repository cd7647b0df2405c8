-- Issue 15, delivery: when to try an envelope again, and the audit chain head the hub's
-- receipt acknowledged (the anchor `audit verify` checks the local chain against).
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN received_at TEXT;
ALTER TABLE outbox ADD COLUMN anchor_count INTEGER;
ALTER TABLE outbox ADD COLUMN anchor_hash TEXT;
