import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Where a root keeps its sending state (git-ignored). */
export function stateDir(root: string): string {
  return path.join(path.resolve(root), '.gazette');
}

export function databasePath(root: string): string {
  return path.join(stateDir(root), 'journal.sqlite');
}

/** Creates (or tightens) a folder of private state: 0700, whatever the umask or an older version made. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Opens `<root>/.gazette/journal.sqlite`: the send journal and the suppression list live in one
 * SQLite file so that `send` sees an unsubscribe the moment `serve` records it. WAL lets the
 * server write while a sender reads; busy_timeout makes the two wait for each other briefly
 * instead of failing.
 */
export function openDatabase(root: string): Db {
  ensurePrivateDir(stateDir(root));
  const file = databasePath(root);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Every recipient's CSV columns live here: owner only, also for files an older version made 0644.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  db.pragma('synchronous = NORMAL');
  // Several senders may share the file: wait for each other's (short) write transactions.
  db.pragma('busy_timeout = 30000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

const MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS suppressions (
     email TEXT PRIMARY KEY,           -- normalized: trimmed, lowercased
     reason TEXT NOT NULL,             -- unsubscribe | manual | import | bounce | complaint
     source TEXT,                      -- issue slug or file the request came from
     created_at TEXT NOT NULL
   ) WITHOUT ROWID`,
];

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) > v) return;
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

/** Adds a migration for a feature's own tables (e.g. the journal). Idempotent by name. */
export function ensureSchema(db: Db, name: string, sql: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_parts (name TEXT PRIMARY KEY)`);
  const done = db.prepare('SELECT 1 FROM schema_parts WHERE name = ?');
  if (done.get(name)) return;
  // IMMEDIATE, and checked again inside: two senders starting together migrate once.
  db.transaction(() => {
    if (done.get(name)) return;
    db.exec(sql);
    db.prepare('INSERT INTO schema_parts (name) VALUES (?)').run(name);
  }).immediate();
}
