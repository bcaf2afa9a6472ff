import type pg from 'pg';
import {
  forgottenKey,
  subscriberFromRow,
  type SubscriberRow,
  type NewSubscriber,
  type SignUpOutcome,
  type Subscriber,
  type SubscriberStatus,
  type SubscriberStore,
} from '../subscribers.js';
import { normalizeEmail } from '../../util/email.js';

// The subscriber store in PostgreSQL (GAZETTE_DATABASE_URL): the same contract as SQLite. Rows
// change in single statements (upserts), so concurrent sign-ups on several servers need no lock;
// the schema is created once under an advisory lock.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscribers (
  email TEXT PRIMARY KEY,
  fields JSONB NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('pending','confirmed','unsubscribed','bounced','complained')),
  consent_source TEXT,
  consent_at TEXT,
  confirmed_at TEXT,
  ip_hash TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subscribers_status ON subscribers (status, email);
CREATE TABLE IF NOT EXISTS subscriber_soft_bounces (
  email TEXT NOT NULL,
  key TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (email, key)
);
CREATE TABLE IF NOT EXISTS suppressions (
  email TEXT PRIMARY KEY, reason TEXT NOT NULL, source TEXT, created_at TEXT NOT NULL
);`;

/** Any number: the subscriber schema's own lock, apart from the journal's. */
const SCHEMA_LOCK = 0x6761_7a73;

type Row = SubscriberRow;

// One statement for put: insert, or merge fields and keep consent values that are not given.
const PUT = `INSERT INTO subscribers AS s (email, fields, status, consent_source, consent_at, confirmed_at, ip_hash,
  created_at, updated_at) VALUES ($1, $2::jsonb, COALESCE($3, 'confirmed'), $4, COALESCE($5, $8), $6, $7, $8, $8)
  ON CONFLICT (email) DO UPDATE SET fields = s.fields || EXCLUDED.fields, status = CASE WHEN $9 THEN s.status ELSE COALESCE($3, s.status) END,
  consent_source = COALESCE($4, s.consent_source), consent_at = COALESCE($5, s.consent_at),
  confirmed_at = COALESCE($6, s.confirmed_at), ip_hash = COALESCE($7, s.ip_hash), updated_at = $8
  RETURNING (xmax = 0) AS added`;

export class PostgresSubscribers implements SubscriberStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {}

  static async open(pool: pg.Pool, ownsPool = false): Promise<PostgresSubscribers> {
    const c = await pool.connect();
    try {
      await c.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
      try {
        await c.query(SCHEMA);
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
      }
    } finally {
      c.release();
    }
    return new PostgresSubscribers(pool, ownsPool);
  }

  async get(email: string): Promise<Subscriber | undefined> {
    const r = await this.pool.query<Row>('SELECT * FROM subscribers WHERE email = $1', [normalizeEmail(email)]);
    return r.rows[0] && subscriberFromRow(r.rows[0]);
  }

  private async putWith(q: pg.Pool | pg.PoolClient, n: NewSubscriber): Promise<'added' | 'updated'> {
    const r = await q.query<{ added: boolean }>(PUT, [
      normalizeEmail(n.email),
      JSON.stringify(n.fields ?? {}),
      n.status ?? null,
      n.consent?.source ?? null,
      n.consent?.at ?? null,
      n.consent?.confirmedAt ?? null,
      n.consent?.ipHash ?? null,
      new Date().toISOString(),
      n.keepStatus === true,
    ]);
    return r.rows[0]!.added ? 'added' : 'updated';
  }

  async put(n: NewSubscriber): Promise<'added' | 'updated'> {
    return this.putWith(this.pool, n);
  }

  async putMany(rows: NewSubscriber[]): Promise<{ added: number; updated: number }> {
    const out = { added: 0, updated: 0 };
    await this.tx(async (c) => {
      for (const r of rows) out[await this.putWith(c, r)]++;
    });
    return out;
  }

  async signUp(n: NewSubscriber): Promise<SignUpOutcome> {
    return this.tx(async (c) => {
      const r = await c.query<{ status: SubscriberStatus }>(
        'SELECT status FROM subscribers WHERE email = $1 FOR UPDATE',
        [normalizeEmail(n.email)],
      );
      const existing = r.rows[0]?.status;
      if (existing === 'confirmed') return 'confirmed';
      const status = existing && existing !== 'pending' ? existing : 'pending';
      await this.putWith(c, { ...n, status });
      return status === 'pending' ? 'pending' : 'needs-confirmation';
    });
  }

  async confirm(email: string, at: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE subscribers SET status = 'confirmed', confirmed_at = $1, updated_at = $2 WHERE email = $3`,
      [at, new Date().toISOString(), normalizeEmail(email)],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async setStatus(email: string, status: SubscriberStatus): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE subscribers SET status = $1, updated_at = $2 WHERE email = $3 AND status != $1',
      [status, new Date().toISOString(), normalizeEmail(email)],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async remove(email: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM subscribers WHERE email = $1', [normalizeEmail(email)]);
    return (r.rowCount ?? 0) > 0;
  }

  async *list(filter?: { status?: SubscriberStatus }): AsyncIterable<Subscriber> {
    // Keyset pages: flat memory however long the list, no cursor held open across a send.
    let after = '';
    for (;;) {
      const r = await this.pool.query<Row>(
        `SELECT * FROM subscribers WHERE email > $1 AND ($2::text IS NULL OR status = $2) ORDER BY email LIMIT 1000`,
        [after, filter?.status ?? null],
      );
      for (const row of r.rows) yield subscriberFromRow(row);
      if (r.rows.length < 1000) return;
      after = r.rows[r.rows.length - 1]!.email;
    }
  }

  async fieldNames(): Promise<string[]> {
    const r = await this.pool.query<{ k: string }>(
      `SELECT DISTINCT jsonb_object_keys(fields) AS k FROM subscribers WHERE status = 'confirmed' ORDER BY 1`,
    );
    return r.rows.map((x) => x.k);
  }

  async softBounce(email: string, at: number, windowMs: number, key: string): Promise<number> {
    const e = normalizeEmail(email);
    await this.pool.query(
      'INSERT INTO subscriber_soft_bounces (email, key, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [e, key, at],
    );
    const r = await this.pool.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM subscriber_soft_bounces WHERE email = $1 AND at > $2',
      [e, at - windowMs],
    );
    return Number(r.rows[0]!.n);
  }

  async forget(email: string): Promise<{ found: boolean }> {
    const e = normalizeEmail(email);
    const hash = forgottenKey(e);
    return this.tx(async (c) => {
      let found = ((await c.query('DELETE FROM subscribers WHERE email = $1', [e])).rowCount ?? 0) > 0;
      await c.query('DELETE FROM subscriber_soft_bounces WHERE email = $1', [e]);
      const journal = await c.query<{ t: string | null }>(`SELECT to_regclass('send_journal')::text AS t`);
      if (journal.rows[0]!.t) {
        const j = await c.query(
          `UPDATE send_journal SET email = $1 || ':' || id, ascii = '', fields = '{}', response = NULL WHERE email = $2`,
          [hash, e],
        );
        found ||= (j.rowCount ?? 0) > 0;
      }
      const sup = await c.query<{ reason: string }>('DELETE FROM suppressions WHERE email = $1 RETURNING reason', [e]);
      found ||= sup.rows.length > 0;
      await c.query(
        `INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, $2, 'forget', $3) ON CONFLICT (email) DO NOTHING`,
        [hash, sup.rows[0]?.reason ?? 'manual', new Date().toISOString()],
      );
      return { found };
    });
  }

  async addressForMessageId(messageId: string): Promise<string | undefined> {
    const t = await this.pool.query<{ t: string | null }>(`SELECT to_regclass('send_journal')::text AS t`);
    if (!t.rows[0]!.t) return undefined;
    const id = messageId.trim();
    const r = await this.pool.query<{ email: string }>('SELECT email FROM send_journal WHERE message_id = $1 LIMIT 1', [
      id.startsWith('<') ? id : `<${id}>`,
    ]);
    const email = r.rows[0]?.email;
    return email && !email.startsWith('sha256:') && !email.startsWith('#') ? email : undefined;
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
