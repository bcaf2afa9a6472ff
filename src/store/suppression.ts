import type { Db } from './db.js';
import { normalizeEmail } from '../util/email.js';
import { forgottenKey } from './subscribers.js';

export type SuppressionReason = 'unsubscribe' | 'manual' | 'import' | 'bounce' | 'complaint';

export interface Suppression {
  email: string;
  reason: SuppressionReason;
  source: string | null;
  createdAt: string;
}

/** The suppression list: addresses `send` must skip. Shares the journal's SQLite file. */
export class SuppressionList {
  private readonly addStmt;
  private readonly removeStmt;
  private readonly hasStmt;
  private readonly listStmt;
  private readonly getStmt;
  private readonly amongStmt;

  constructor(private readonly db: Db) {
    this.addStmt = db.prepare(
      'INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(email) DO NOTHING',
    );
    this.removeStmt = db.prepare('DELETE FROM suppressions WHERE email = ?');
    // A forgotten address is kept only as its hash: look for both.
    this.hasStmt = db.prepare('SELECT 1 FROM suppressions WHERE email IN (?, ?)').pluck();
    this.getStmt = db.prepare(
      'SELECT email, reason, source, created_at AS createdAt FROM suppressions WHERE email IN (?, ?) ORDER BY email DESC LIMIT 1',
    );
    this.amongStmt = db
      .prepare('SELECT email FROM suppressions WHERE email IN (SELECT value FROM json_each(?))')
      .pluck();
    this.listStmt = db.prepare(
      'SELECT email, reason, source, created_at AS createdAt FROM suppressions ORDER BY email',
    );
  }

  /** Returns true when the address was not suppressed before (a repeat changes nothing). */
  add(email: string, reason: SuppressionReason, source?: string): boolean {
    return this.addStmt.run(normalizeEmail(email), reason, source ?? null, new Date().toISOString()).changes > 0;
  }

  /** Returns true when the address was suppressed. */
  remove(email: string): boolean {
    return this.removeStmt.run(normalizeEmail(email)).changes > 0;
  }

  has(email: string): boolean {
    const e = normalizeEmail(email);
    return this.hasStmt.get(e, forgottenKey(e)) !== undefined;
  }

  /** The suppressed ones among normalized addresses (by address or forgotten hash), in one query. */
  among(emails: readonly string[]): Set<string> {
    const keys = emails.map((e) => [e, forgottenKey(e)] as const);
    const found = new Set(this.amongStmt.all(JSON.stringify(keys.flat())) as string[]);
    return new Set(keys.filter(([e, k]) => found.has(e) || found.has(k)).map(([e]) => e));
  }

  get(email: string): Suppression | undefined {
    const e = normalizeEmail(email);
    return this.getStmt.get(e, forgottenKey(e)) as Suppression | undefined;
  }

  *list(): IterableIterator<Suppression> {
    yield* this.listStmt.iterate() as IterableIterator<Suppression>;
  }

  /** Adds many in one transaction; returns how many were new. */
  addMany(emails: Iterable<string>, reason: SuppressionReason, source?: string): number {
    let added = 0;
    this.db.transaction(() => {
      for (const e of emails) if (this.add(e, reason, source)) added++;
    })();
    return added;
  }
}
