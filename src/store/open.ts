import Database from 'better-sqlite3';
import { GazetteError } from '../util/errors.js';
import { openDatabase } from './db.js';
import type { Journal } from './journal.js';
import type { SuppressionStore } from './subscriber-store.js';
import { SqliteJournal } from './sqlite/journal.js';
import { SqliteSuppressions } from './sqlite/suppressions.js';

// One place that picks the store: PostgreSQL when a postgres:// URL is given (--database or
// GAZETTE_DATABASE_URL), shared by every worker on every machine; else the root's SQLite file.
// The `pg` driver is imported only in the first case.

export interface Store {
  kind: 'sqlite' | 'postgres';
  /** For messages: the file, or the URL without its password. */
  description: string;
  journal: Journal;
  suppressions: SuppressionStore & {
    hasSync?(email: string): boolean;
    /** The suppressed ones among these (normalized) addresses, by address or forgotten hash, in one query. */
    among?(emails: string[]): Set<string> | Promise<Set<string>>;
  };
  close(): Promise<void>;
}

export interface StoreOptions {
  root: string;
  url?: string;
  /** A dry run journals in memory (nobody is marked sent) but reads the real suppression list. */
  dryRun?: boolean;
}

export async function openStore(o: StoreOptions): Promise<Store> {
  if (o.url) {
    if (!/^postgres(ql)?:\/\//i.test(o.url))
      throw new GazetteError('the database URL is not a postgres:// URL', {
        code: 'config/database-url',
        field: 'GAZETTE_DATABASE_URL',
        hint: 'Write it as postgres://user:password@host:5432/dbname, or leave it unset to keep the journal in <root>/.gazette/journal.sqlite.',
      });
    const { openPostgresStore } = await import('./postgres/store.js');
    return openPostgresStore(o.url, o.dryRun === true);
  }
  const db = openDatabase(o.root);
  const memory = o.dryRun ? new Database(':memory:') : undefined;
  return {
    kind: 'sqlite',
    description: db.name,
    journal: new SqliteJournal(memory ?? db),
    suppressions: new SqliteSuppressions(db),
    async close() {
      memory?.close();
      db.close();
    },
  };
}

/** `postgres://user:secret@host/db` -> `postgres://user@host/db`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(invalid URL)';
  }
}
