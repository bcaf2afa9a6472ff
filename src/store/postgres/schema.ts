// The shared store's tables. Every statement is idempotent and runs under an advisory lock
// (connect.ts), so N workers starting together migrate once. Times the workers compare are epoch
// milliseconds from the workers' clocks (keep them NTP-synced; leases are 15 s).
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS send_loads (
  id SERIAL PRIMARY KEY,
  issue TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  state TEXT NOT NULL DEFAULT 'loading',
  loaded_by TEXT,
  source TEXT
);
CREATE TABLE IF NOT EXISTS send_journal (
  id SERIAL PRIMARY KEY,
  issue TEXT NOT NULL,
  email TEXT NOT NULL,
  ascii TEXT NOT NULL,
  fields TEXT NOT NULL,
  line INTEGER,
  message_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','invalid','suppressed')),
  permanent BOOLEAN,
  attempts INTEGER NOT NULL DEFAULT 0,
  run_attempts INTEGER NOT NULL DEFAULT 0,
  smtp_code INTEGER,
  error_code TEXT,
  response TEXT,
  load_id INTEGER NOT NULL,
  not_before BIGINT,
  lease_owner TEXT,
  lease_until BIGINT,
  lease_token BIGINT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at TIMESTAMPTZ,
  UNIQUE (issue, email)
);
CREATE INDEX IF NOT EXISTS send_journal_load ON send_journal (issue, load_id, state, id);
CREATE INDEX IF NOT EXISTS send_journal_owner ON send_journal (lease_owner) WHERE state = 'sending';
CREATE SEQUENCE IF NOT EXISTS send_lease_token;
CREATE TABLE IF NOT EXISTS send_workers (
  owner TEXT PRIMARY KEY,
  issue TEXT NOT NULL,
  load_id INTEGER NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_until BIGINT NOT NULL,
  done BOOLEAN NOT NULL DEFAULT false,
  sent INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  in_flight INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS send_workers_load ON send_workers (load_id);
-- The same definition as postgres/subscribers.ts: whichever runs first creates it.
CREATE TABLE IF NOT EXISTS suppressions (
  email TEXT PRIMARY KEY, reason TEXT NOT NULL, source TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS send_rate (
  relay TEXT PRIMARY KEY,
  next_at DOUBLE PRECISION NOT NULL,
  paused_until DOUBLE PRECISION NOT NULL
);
`;
