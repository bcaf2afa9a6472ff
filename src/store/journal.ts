import { ensureSchema, type Db } from './db.js';

// The send journal: one row per (issue, recipient), written for the whole list before the first
// message goes out, so that a crash can never lose track of anyone (listmonk #3022 moved its
// checkpoint when a batch was fetched). A row is `sent` only after the server's 250.
//
// The interface is async and row-oriented so that a shared database can replace SQLite later
// and let several senders work one list: `claim` is the only way to take rows, and it moves
// them to `sending` atomically.

export type JournalState = 'pending' | 'sending' | 'sent' | 'failed' | 'invalid' | 'suppressed';

export interface JournalRow {
  id: number;
  email: string;
  /** Envelope form of the address (A-label domain). */
  ascii: string;
  fields: Record<string, string>;
  messageId: string;
  attempts: number;
}

export interface NewRecipient {
  email: string;
  ascii: string;
  fields: Record<string, string>;
  line: number;
  messageId: string;
}

/** What loading one CSV row found in the journal. */
export type AddOutcome = 'new' | 'duplicate' | 'already-sent' | 'resumed';

export type Outcome =
  | { state: 'sent'; response?: string }
  | { state: 'failed'; permanent: boolean; smtpCode?: number; errorCode?: string; response?: string }
  | { state: 'suppressed' };

export interface JournalCounts {
  pending: number;
  sending: number;
  sent: number;
  failedPermanent: number;
  failedTemporary: number;
  invalid: number;
  suppressed: number;
}

export interface Journal {
  /** Starts recording a run's recipient list; returns the load id that marks its rows. */
  beginLoad(issue: string): Promise<number>;
  addRecipients(issue: string, loadId: number, rows: NewRecipient[]): Promise<AddOutcome[]>;
  addInvalid(issue: string, loadId: number, rows: { line: number; raw: string; reason: string }[]): Promise<void>;
  /**
   * Takes up to `limit` rows of this load still to send (pending, left `sending` by a crash,
   * failed temporarily, or suppressed earlier) with an id above `afterId`, and marks them
   * `sending`. Rows are claimed in id order, so a run sees each row once.
   */
  claim(issue: string, loadId: number, afterId: number, limit: number): Promise<JournalRow[]>;
  /** Records an outcome. Buffered: call flush() (the SQLite journal also flushes itself at the next tick). */
  record(id: number, outcome: Outcome, attempts: number): void;
  /** Puts claimed rows that were never attempted back to `pending`. */
  release(ids: number[]): Promise<void>;
  flush(): Promise<void>;
  counts(issue: string, loadId: number): Promise<JournalCounts>;
  /** Counts of failures by SMTP reply or error code, e.g. {"550": 3, "ECONNECTION": 1}. */
  failuresByCode(issue: string, loadId: number): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const SCHEMA = `
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

const TODO = `(state IN ('pending','sending','suppressed') OR (state = 'failed' AND permanent = 0))`;

/** The journal in `<root>/.gazette/journal.sqlite` (or any better-sqlite3 database). */
export class SqliteJournal implements Journal {
  private readonly stmts;
  private buffer: { id: number; outcome: Outcome; attempts: number }[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {
    ensureSchema(db, 'send-journal-v1', SCHEMA);
    this.stmts = {
      load: db.prepare('INSERT INTO send_loads (issue, started_at) VALUES (?, ?)'),
      find: db.prepare('SELECT id, state, load_id AS loadId FROM send_journal WHERE issue = ? AND email = ?'),
      insert: db.prepare(
        `INSERT INTO send_journal (issue, email, ascii, fields, line, message_id, state, load_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      ),
      adopt: db.prepare('UPDATE send_journal SET load_id = ?, fields = ?, ascii = ?, line = ? WHERE id = ?'),
      adoptSent: db.prepare('UPDATE send_journal SET load_id = ? WHERE id = ?'),
      invalid:
        db.prepare(`INSERT INTO send_journal (issue, email, ascii, fields, line, state, response, load_id, updated_at) VALUES (?, ?, '', ?, ?, 'invalid', ?, ?, ?)
        ON CONFLICT (issue, email) DO UPDATE SET fields = excluded.fields, response = excluded.response, load_id = excluded.load_id, updated_at = excluded.updated_at`),
      claim: db.prepare(`UPDATE send_journal SET state = 'sending', updated_at = ? WHERE id IN (
          SELECT id FROM send_journal WHERE issue = ? AND load_id = ? AND id > ? AND ${TODO} ORDER BY id LIMIT ?)
        RETURNING id, email, ascii, fields, message_id AS messageId, attempts`),
      sent: db.prepare(
        `UPDATE send_journal SET state = 'sent', attempts = ?, smtp_code = 250, error_code = NULL, response = ?, permanent = NULL, updated_at = ?, sent_at = ? WHERE id = ?`,
      ),
      failed: db.prepare(
        `UPDATE send_journal SET state = 'failed', attempts = ?, permanent = ?, smtp_code = ?, error_code = ?, response = ?, updated_at = ? WHERE id = ? AND state != 'sent'`,
      ),
      suppressed: db.prepare(
        `UPDATE send_journal SET state = 'suppressed', updated_at = ? WHERE id = ? AND state != 'sent'`,
      ),
      release: db.prepare(
        `UPDATE send_journal SET state = 'pending', updated_at = ? WHERE id = ? AND state = 'sending'`,
      ),
      counts: db.prepare(
        `SELECT state, permanent, COUNT(*) AS n FROM send_journal WHERE issue = ? AND load_id = ? GROUP BY state, permanent`,
      ),
      byCode: db.prepare(
        `SELECT COALESCE(CAST(smtp_code AS TEXT), error_code, 'unknown') AS code, COUNT(*) AS n FROM send_journal WHERE issue = ? AND load_id = ? AND state = 'failed' GROUP BY 1 ORDER BY 2 DESC`,
      ),
    };
  }

  async beginLoad(issue: string): Promise<number> {
    return Number(this.stmts.load.run(issue, now()).lastInsertRowid);
  }

  async addRecipients(issue: string, loadId: number, rows: NewRecipient[]): Promise<AddOutcome[]> {
    const at = now();
    return this.db.transaction(() =>
      rows.map((r): AddOutcome => {
        const found = this.stmts.find.get(issue, r.email) as
          | { id: number; state: JournalState; loadId: number }
          | undefined;
        if (!found) {
          this.stmts.insert.run(issue, r.email, r.ascii, JSON.stringify(r.fields), r.line, r.messageId, loadId, at);
          return 'new';
        }
        if (found.loadId === loadId) return 'duplicate';
        if (found.state === 'sent') {
          this.stmts.adoptSent.run(loadId, found.id);
          return 'already-sent';
        }
        this.stmts.adopt.run(loadId, JSON.stringify(r.fields), r.ascii, r.line, found.id);
        return 'resumed';
      }),
    )();
  }

  async addInvalid(
    issue: string,
    loadId: number,
    rows: { line: number; raw: string; reason: string }[],
  ): Promise<void> {
    const at = now();
    this.db.transaction(() => {
      for (const r of rows)
        this.stmts.invalid.run(issue, `#${r.line}`, JSON.stringify({ email: r.raw }), r.line, r.reason, loadId, at);
    })();
  }

  async claim(issue: string, loadId: number, afterId: number, limit: number): Promise<JournalRow[]> {
    const rows = this.stmts.claim.all(now(), issue, loadId, afterId, limit) as (Omit<JournalRow, 'fields'> & {
      fields: string;
    })[];
    return rows
      .map((r) => ({ ...r, fields: JSON.parse(r.fields) as Record<string, string> }))
      .sort((a, b) => a.id - b.id);
  }

  record(id: number, outcome: Outcome, attempts: number): void {
    this.buffer.push({ id, outcome, attempts });
    if (this.buffer.length >= 256) this.flushSync();
    else if (!this.scheduled) {
      // One transaction per event-loop turn: replies that arrive together commit together.
      this.scheduled = true;
      setImmediate(() => this.flushSync());
    }
  }

  async release(ids: number[]): Promise<void> {
    this.flushSync();
    const at = now();
    this.db.transaction(() => {
      for (const id of ids) this.stmts.release.run(at, id);
    })();
  }

  async flush(): Promise<void> {
    this.flushSync();
  }

  private flushSync(): void {
    this.scheduled = false;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const at = now();
    this.db.transaction(() => {
      for (const { id, outcome, attempts } of batch) {
        if (outcome.state === 'sent')
          this.stmts.sent.run(attempts, outcome.response?.slice(0, 500) ?? null, at, at, id);
        else if (outcome.state === 'failed')
          this.stmts.failed.run(
            attempts,
            outcome.permanent ? 1 : 0,
            outcome.smtpCode ?? null,
            outcome.errorCode ?? null,
            outcome.response?.slice(0, 500) ?? null,
            at,
            id,
          );
        else this.stmts.suppressed.run(at, id);
      }
    })();
  }

  async counts(issue: string, loadId: number): Promise<JournalCounts> {
    const c: JournalCounts = {
      pending: 0,
      sending: 0,
      sent: 0,
      failedPermanent: 0,
      failedTemporary: 0,
      invalid: 0,
      suppressed: 0,
    };
    for (const r of this.stmts.counts.all(issue, loadId) as {
      state: JournalState;
      permanent: number | null;
      n: number;
    }[]) {
      if (r.state === 'failed') c[r.permanent ? 'failedPermanent' : 'failedTemporary'] += r.n;
      else c[r.state] += r.n;
    }
    return c;
  }

  async failuresByCode(issue: string, loadId: number): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of this.stmts.byCode.all(issue, loadId) as { code: string; n: number }[]) out[r.code] = r.n;
    return out;
  }

  async close(): Promise<void> {
    this.flushSync();
  }
}

function now(): string {
  return new Date().toISOString();
}
