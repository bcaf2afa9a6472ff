import { ensureSchema, type Db } from '../db.js';

// The journal's tables in the root's SQLite file. v1 is the single-sender journal; v2 adds
// leases (owner, expiry, fencing token), retry schedules and the workers of a load.

const V1 = `
CREATE TABLE send_journal (
  id INTEGER PRIMARY KEY,
  issue TEXT NOT NULL,
  email TEXT NOT NULL,            -- normalized address, or "#<line>" for an invalid row
  ascii TEXT NOT NULL,
  fields TEXT NOT NULL,           -- JSON of the CSV columns
  line INTEGER,
  message_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','invalid','suppressed')),
  permanent INTEGER,              -- failed rows: 1 never retried, 0 retried by a later run
  attempts INTEGER NOT NULL DEFAULT 0,
  smtp_code INTEGER,
  error_code TEXT,
  response TEXT,
  load_id INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  UNIQUE (issue, email)
);
CREATE INDEX send_journal_load ON send_journal (issue, load_id, state);
CREATE TABLE send_loads (
  id INTEGER PRIMARY KEY,
  issue TEXT NOT NULL,
  started_at TEXT NOT NULL
);`;

const V2 = `
-- The claim reads it; a dry run's in-memory journal has no other migration to create it.
CREATE TABLE IF NOT EXISTS suppressions (
  email TEXT PRIMARY KEY, reason TEXT NOT NULL, source TEXT, created_at TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE send_journal ADD COLUMN run_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE send_journal ADD COLUMN not_before INTEGER;      -- failed temporarily: retry from (epoch ms)
ALTER TABLE send_journal ADD COLUMN lease_owner TEXT;
ALTER TABLE send_journal ADD COLUMN lease_until INTEGER;     -- epoch ms
ALTER TABLE send_journal ADD COLUMN lease_token INTEGER;
ALTER TABLE send_loads ADD COLUMN state TEXT NOT NULL DEFAULT 'ready';  -- loading | ready
ALTER TABLE send_loads ADD COLUMN loaded_by TEXT;
ALTER TABLE send_loads ADD COLUMN source TEXT;
CREATE TABLE send_workers (
  owner TEXT PRIMARY KEY,
  issue TEXT NOT NULL,
  load_id INTEGER NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_until INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  sent INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  in_flight INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX send_workers_load ON send_workers (load_id);
CREATE INDEX send_journal_owner ON send_journal (lease_owner) WHERE state = 'sending';
CREATE TABLE send_sequence (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO send_sequence VALUES ('lease_token', 0);
CREATE TABLE send_rate (
  relay TEXT PRIMARY KEY,
  next_at REAL NOT NULL,          -- epoch ms of the next free start slot
  paused_until REAL NOT NULL      -- shared back-off after 421/454/429
);`;

export function migrateJournal(db: Db): void {
  ensureSchema(db, 'send-journal-v1', V1);
  ensureSchema(db, 'send-journal-v2', V2);
}
