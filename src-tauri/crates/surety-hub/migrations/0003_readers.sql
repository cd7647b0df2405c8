-- The finance office's staff who read the province's figures: an account each (the
-- password only as its Argon2id hash), their sessions (only the token's SHA-256 is kept,
-- so a copy of the database signs nobody in) and what each of them read, when.
CREATE TABLE readers (
  username      TEXT PRIMARY KEY,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
);

CREATE TABLE reader_sessions (
  token_sha256 TEXT PRIMARY KEY,
  username     TEXT NOT NULL REFERENCES readers (username),
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL
);

CREATE TABLE reads (
  id       BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL,
  at       TEXT NOT NULL,
  what     TEXT NOT NULL
);
