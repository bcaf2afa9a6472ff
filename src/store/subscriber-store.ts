import { GazetteError } from '../util/errors.js';
import { openDatabase } from './db.js';
import { SqliteSubscribers } from './sqlite/subscribers.js';
import { type Suppression, SuppressionList, type SuppressionReason } from './suppression.js';
import type { SubscriberStore } from './subscribers.js';
import { normalizeEmail } from '../util/email.js';

// Opens the subscriber store and the suppression list together: PostgreSQL when a postgres://
// URL is given (--database or GAZETTE_DATABASE_URL), else the root's SQLite file. `pg` is
// imported only in the first case.

/** The suppression list as the subscriber features use it, on either database. */
export interface SuppressionStore {
  has(email: string): Promise<boolean>;
  get(email: string): Promise<Suppression | undefined>;
  /** Returns true when the address was not suppressed before (a repeat changes nothing). */
  add(email: string, reason: SuppressionReason, source?: string): Promise<boolean>;
  /** Adds, or overwrites the reason (a complaint outranks an earlier unsubscribe). */
  replace(email: string, reason: SuppressionReason, source?: string): Promise<void>;
  remove(email: string): Promise<boolean>;
  list(): AsyncIterable<Suppression>;
}

export interface SubscriberStores {
  kind: 'sqlite' | 'postgres';
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  close(): Promise<void>;
}

export function databaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const url = flag ?? env.GAZETTE_DATABASE_URL;
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new GazetteError('the database URL is not a postgres:// URL', {
      code: 'config/database-url',
      field: 'GAZETTE_DATABASE_URL',
      hint: 'Write it as postgres://user:password@host:5432/dbname, or leave it unset to keep the store in <root>/.gazette/journal.sqlite.',
    });
  return url;
}

export async function openSubscriberStores(o: { root: string; url?: string }): Promise<SubscriberStores> {
  if (o.url) {
    const { default: pg } = await import('pg');
    const { PostgresSubscribers } = await import('./postgres/subscribers.js');
    const { PostgresSuppressionStore } = await import('./postgres/subscriber-suppressions.js');
    const pool = new pg.Pool({ connectionString: o.url, max: 4 });
    try {
      const subscribers = await PostgresSubscribers.open(pool);
      return {
        kind: 'postgres',
        subscribers,
        suppressions: new PostgresSuppressionStore(pool),
        close: () => pool.end(),
      };
    } catch (cause) {
      await pool.end().catch(() => {});
      throw new GazetteError(`cannot open the PostgreSQL store: ${(cause as Error).message}`, {
        code: 'store/unavailable',
        hint: 'Check GAZETTE_DATABASE_URL (or --database): host, port, user, password and database name.',
        cause,
      });
    }
  }
  const db = openDatabase(o.root);
  const list = new SuppressionList(db);
  const replace = db.prepare(`INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (email) DO UPDATE SET reason = excluded.reason, source = excluded.source, created_at = excluded.created_at`);
  return {
    kind: 'sqlite',
    subscribers: new SqliteSubscribers(db),
    suppressions: {
      has: async (e) => list.has(e),
      get: async (e) => list.get(e),
      add: async (e, r, s) => list.add(e, r, s),
      replace: async (e, r, s) => {
        replace.run(normalizeEmail(e), r, s ?? null, new Date().toISOString());
      },
      remove: async (e) => list.remove(e),
      list: async function* () {
        // A snapshot: an open SQLite iterator would block writes made while the caller consumes it.
        yield* [...list.list()];
      },
    },
    close: async () => {
      db.close();
    },
  };
}
