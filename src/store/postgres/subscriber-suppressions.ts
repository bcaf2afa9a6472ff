import type pg from 'pg';
import type { Suppression, SuppressionReason } from '../suppression.js';
import { forgottenKey } from '../subscribers.js';
import type { SuppressionStore } from '../subscriber-store.js';
import { normalizeEmail } from '../../util/email.js';

// The suppression list in PostgreSQL as the subscriber features use it (the table is the one the
// PostgreSQL journal reads; PostgresSubscribers.open creates it when missing).

export class PostgresSuppressionStore implements SuppressionStore {
  constructor(private readonly pool: pg.Pool) {}

  async has(email: string): Promise<boolean> {
    return (await this.get(email)) !== undefined;
  }

  /** The suppressed ones among normalized addresses (by address or forgotten hash), in one query. */
  async among(emails: string[]): Promise<Set<string>> {
    const keys = emails.map((e) => [e, forgottenKey(e)] as const);
    const r = await this.pool.query<{ email: string }>('SELECT email FROM suppressions WHERE email = ANY($1::text[])', [
      keys.flat(),
    ]);
    const found = new Set(r.rows.map((x) => x.email));
    return new Set(keys.filter(([e, k]) => found.has(e) || found.has(k)).map(([e]) => e));
  }

  async get(email: string): Promise<Suppression | undefined> {
    const e = normalizeEmail(email);
    const r = await this.pool.query<Suppression>(
      `SELECT email, reason, source, created_at AS "createdAt" FROM suppressions WHERE email IN ($1, $2)
       ORDER BY email DESC LIMIT 1`,
      [e, forgottenKey(e)],
    );
    return r.rows[0];
  }

  async add(email: string, reason: SuppressionReason, source?: string): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING`,
      [normalizeEmail(email), reason, source ?? null, new Date().toISOString()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async replace(email: string, reason: SuppressionReason, source?: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO UPDATE SET reason = EXCLUDED.reason, source = EXCLUDED.source, created_at = EXCLUDED.created_at`,
      [normalizeEmail(email), reason, source ?? null, new Date().toISOString()],
    );
  }

  async remove(email: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM suppressions WHERE email = $1', [normalizeEmail(email)]);
    return (r.rowCount ?? 0) > 0;
  }

  async *list(): AsyncIterable<Suppression> {
    let after = '';
    for (;;) {
      const r = await this.pool.query<Suppression>(
        `SELECT email, reason, source, created_at AS "createdAt" FROM suppressions WHERE email > $1 ORDER BY email LIMIT 1000`,
        [after],
      );
      yield* r.rows;
      if (r.rows.length < 1000) return;
      after = r.rows[r.rows.length - 1]!.email;
    }
  }
}
