import type { Db } from '../db.js';
import type { SuppressionStore } from '../subscriber-store.js';
import { type Suppression, SuppressionList, type SuppressionReason } from '../suppression.js';
import { normalizeEmail } from '../../util/email.js';

/** The suppression list of the root's SQLite file behind the async interface every store offers. */
export class SqliteSuppressions implements SuppressionStore {
  private readonly sync: SuppressionList;
  private readonly replaceStmt;

  constructor(db: Db) {
    this.sync = new SuppressionList(db);
    this.replaceStmt = db.prepare(`INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (email) DO UPDATE SET reason = excluded.reason, source = excluded.source, created_at = excluded.created_at`);
  }

  /** Synchronous, for the send loop's check right before each message. */
  hasSync(email: string): boolean {
    return this.sync.has(email);
  }
  among(emails: string[]): Set<string> {
    return this.sync.among(emails);
  }
  async has(email: string) {
    return this.sync.has(email);
  }
  async get(email: string) {
    return this.sync.get(email);
  }
  async add(email: string, reason: SuppressionReason, source?: string) {
    return this.sync.add(email, reason, source);
  }
  async replace(email: string, reason: SuppressionReason, source?: string) {
    this.replaceStmt.run(normalizeEmail(email), reason, source ?? null, new Date().toISOString());
  }
  async remove(email: string) {
    return this.sync.remove(email);
  }
  async *list(): AsyncIterable<Suppression> {
    // A snapshot: an open SQLite iterator would block writes made while the caller consumes it.
    yield* [...this.sync.list()];
  }
}
