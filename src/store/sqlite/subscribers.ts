import { ensureSchema, type Db } from '../db.js';
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

// The subscriber store in the root's SQLite file, beside the journal and the suppression list, so
// that `forget` erases all three in one transaction.

const SCHEMA = `
CREATE TABLE subscribers (
  email TEXT PRIMARY KEY,                -- normalized
  fields TEXT NOT NULL DEFAULT '{}',     -- JSON object of any columns
  status TEXT NOT NULL CHECK (status IN ('pending','confirmed','unsubscribed','bounced','complained')),
  consent_source TEXT,
  consent_at TEXT,
  confirmed_at TEXT,
  ip_hash TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX subscribers_status ON subscribers (status, email);
CREATE TABLE subscriber_soft_bounces (
  email TEXT NOT NULL,
  key TEXT NOT NULL,                     -- the report's identity: the same report counts once
  at INTEGER NOT NULL,                   -- epoch ms
  PRIMARY KEY (email, key)
) WITHOUT ROWID;`;

/** SQLite keeps `fields` as JSON text. */
type Row = SubscriberRow & { fields: string };

export class SqliteSubscribers implements SubscriberStore {
  private readonly s;

  constructor(private readonly db: Db) {
    ensureSchema(db, 'subscribers-v1', SCHEMA);
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      get: p('SELECT * FROM subscribers WHERE email = ?'),
      insert: p(`INSERT INTO subscribers (email, fields, status, consent_source, consent_at, confirmed_at, ip_hash,
        created_at, updated_at) VALUES (@email, @fields, @status, @source, @at, @confirmedAt, @ipHash, @now, @now)
        ON CONFLICT (email) DO NOTHING`),
      update: p(`UPDATE subscribers SET fields = @fields, status = @status,
        consent_source = COALESCE(@source, consent_source), consent_at = COALESCE(@at, consent_at),
        confirmed_at = COALESCE(@confirmedAt, confirmed_at), ip_hash = COALESCE(@ipHash, ip_hash),
        updated_at = @now WHERE email = @email`),
      confirm: p(`UPDATE subscribers SET status = 'confirmed', confirmed_at = ?, updated_at = ? WHERE email = ?`),
      status: p('UPDATE subscribers SET status = ?, updated_at = ? WHERE email = ? AND status != ?'),
      remove: p('DELETE FROM subscribers WHERE email = ?'),
      all: p('SELECT * FROM subscribers ORDER BY email'),
      byStatus: p('SELECT * FROM subscribers WHERE status = ? ORDER BY email'),
      bounce: p('INSERT INTO subscriber_soft_bounces (email, key, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      bounces: p('SELECT COUNT(*) FROM subscriber_soft_bounces WHERE email = ? AND at > ?').pluck(),
      tableExists: p(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck(),
    };
  }

  async get(email: string): Promise<Subscriber | undefined> {
    const r = this.s.get.get(normalizeEmail(email)) as Row | undefined;
    return r && subscriberFromRow(r);
  }

  private putSync(n: NewSubscriber): 'added' | 'updated' {
    const now = new Date().toISOString();
    const email = normalizeEmail(n.email);
    const existing = this.s.get.get(email) as Row | undefined;
    const status = (n.keepStatus ? existing?.status : undefined) ?? n.status ?? existing?.status ?? 'confirmed';
    const params = {
      email,
      status,
      source: n.consent?.source ?? null,
      at: n.consent?.at ?? (existing ? null : now),
      confirmedAt: n.consent?.confirmedAt ?? null,
      ipHash: n.consent?.ipHash ?? null,
      now,
    };
    if (!existing) {
      this.s.insert.run({ ...params, fields: JSON.stringify(n.fields ?? {}) });
      return 'added';
    }
    const fields = { ...(JSON.parse(existing.fields) as Record<string, string>), ...n.fields };
    this.s.update.run({ ...params, fields: JSON.stringify(fields) });
    return 'updated';
  }

  async put(n: NewSubscriber): Promise<'added' | 'updated'> {
    return this.db.transaction(() => this.putSync(n)).immediate();
  }

  async putMany(rows: NewSubscriber[]): Promise<{ added: number; updated: number }> {
    const out = { added: 0, updated: 0 };
    this.db
      .transaction(() => {
        for (const r of rows) out[this.putSync(r)]++;
      })
      .immediate();
    return out;
  }

  async signUp(n: NewSubscriber): Promise<SignUpOutcome> {
    return this.db
      .transaction((): SignUpOutcome => {
        const existing = this.s.get.get(normalizeEmail(n.email)) as Row | undefined;
        if (existing?.status === 'confirmed') return 'confirmed';
        // A stopped address keeps its state until the confirmation is followed.
        const status = existing && existing.status !== 'pending' ? existing.status : 'pending';
        this.putSync({ ...n, status });
        return status === 'pending' ? 'pending' : 'needs-confirmation';
      })
      .immediate();
  }

  async confirm(email: string, at: string): Promise<boolean> {
    return this.s.confirm.run(at, new Date().toISOString(), normalizeEmail(email)).changes > 0;
  }

  async setStatus(email: string, status: SubscriberStatus): Promise<boolean> {
    return this.s.status.run(status, new Date().toISOString(), normalizeEmail(email), status).changes > 0;
  }

  async remove(email: string): Promise<boolean> {
    return this.s.remove.run(normalizeEmail(email)).changes > 0;
  }

  async *list(filter?: { status?: SubscriberStatus }): AsyncIterable<Subscriber> {
    // Pages, not one iterator: an open iterator would lock the connection against writes for the
    // whole send that reads it.
    const page = this.db.prepare(
      `SELECT * FROM subscribers WHERE email > ? ${filter?.status ? 'AND status = ?' : ''} ORDER BY email LIMIT 1000`,
    );
    let after = '';
    for (;;) {
      const rows = (filter?.status ? page.all(after, filter.status) : page.all(after)) as Row[];
      for (const r of rows) yield subscriberFromRow(r);
      if (rows.length < 1000) return;
      after = rows[rows.length - 1]!.email;
    }
  }

  async fieldNames(): Promise<string[]> {
    return this.db
      .prepare(
        `SELECT DISTINCT j.key FROM subscribers, json_each(subscribers.fields) j WHERE status = 'confirmed' ORDER BY 1`,
      )
      .pluck()
      .all() as string[];
  }

  async softBounce(email: string, at: number, windowMs: number, key: string): Promise<number> {
    const e = normalizeEmail(email);
    this.s.bounce.run(e, key, at);
    return this.s.bounces.get(e, at - windowMs) as number;
  }

  async forget(email: string): Promise<{ found: boolean }> {
    const e = normalizeEmail(email);
    const hash = forgottenKey(e);
    return this.db
      .transaction(() => {
        let found = this.s.remove.run(e).changes > 0;
        this.db.prepare('DELETE FROM subscriber_soft_bounces WHERE email = ?').run(e);
        if (this.s.tableExists.get('send_journal')) {
          const j = this.db
            .prepare(
              `UPDATE send_journal SET email = ? || ':' || id, ascii = '', fields = '{}', response = NULL WHERE email = ?`,
            )
            .run(hash, e);
          found ||= j.changes > 0;
        }
        const sup = this.db.prepare('SELECT reason FROM suppressions WHERE email = ?').get(e) as
          | { reason: string }
          | undefined;
        found ||= sup !== undefined;
        this.db.prepare('DELETE FROM suppressions WHERE email = ?').run(e);
        this.db
          .prepare(
            `INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, 'forget', ?) ON CONFLICT (email) DO NOTHING`,
          )
          .run(hash, sup?.reason ?? 'manual', new Date().toISOString());
        return { found };
      })
      .immediate();
  }

  private byMessageId?: { get(id: string): unknown };

  async addressForMessageId(messageId: string): Promise<string | undefined> {
    if (!this.byMessageId) {
      if (!this.s.tableExists.get('send_journal')) return undefined;
      // Bounces look rows up by Message-ID; the journal itself never needed that index.
      this.db.exec('CREATE INDEX IF NOT EXISTS send_journal_message_id ON send_journal (message_id)');
      this.byMessageId = this.db.prepare('SELECT email FROM send_journal WHERE message_id = ? LIMIT 1').pluck();
    }
    const id = messageId.trim();
    const email = this.byMessageId.get(id.startsWith('<') ? id : `<${id}>`) as string | undefined;
    return email && !email.startsWith('sha256:') && !email.startsWith('#') ? email : undefined;
  }

  async close(): Promise<void> {}
}
