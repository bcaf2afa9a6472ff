import type { Db } from '../db.js';
import type {
  AddOutcome,
  ClaimRef,
  Journal,
  JournalCounts,
  JournalRow,
  JournalState,
  NewRecipient,
  Outcome,
  RunEntry,
  Waiting,
  WorkerIdentity,
  WorkerStats,
  WorkerStatus,
} from '../journal.js';
import { type ClaimedRowData, claimedRows, countsFrom, FLUSH_DELAY_MS } from '../journal.js';
import { migrateJournal } from './schema.js';
import { sqliteStatements } from './statements.js';

// The journal in `<root>/.gazette/journal.sqlite`. Every write is an IMMEDIATE transaction (the
// write lock is taken first, never upgraded from a read: an upgrade is what failed with
// "database is locked" when two senders overlapped), short, and waited for by busy_timeout.

export class SqliteJournal implements Journal {
  private readonly s;
  private buffer: { ref: ClaimRef; outcome: Outcome }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {
    migrateJournal(db);
    this.s = sqliteStatements(db);
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  async enterRun(issue: string, w: WorkerIdentity, leaseMs: number): Promise<RunEntry> {
    return this.tx(() => {
      const at = Date.now();
      const live = this.s.liveLoad.get(issue, at) as { id: number; loadedBy: string; source: string } | undefined;
      const loadId = live
        ? live.id
        : Number(this.s.newLoad.run(issue, new Date(at).toISOString(), w.owner, w.source).lastInsertRowid);
      this.s.addWorker.run(w.owner, issue, loadId, w.host, w.pid, at, at + leaseMs);
      return live
        ? { role: 'join', loadId, loadedBy: live.loadedBy ?? '?', source: live.source ?? '?' }
        : { role: 'load', loadId };
    });
  }

  async loadState(loadId: number, owner: string): Promise<'ready' | 'loading' | 'yours'> {
    return this.tx(() => {
      const l = this.s.loadInfo.get(Date.now(), loadId) as { state: string; loaderAlive: number };
      if (l.state === 'ready') return 'ready';
      if (l.loaderAlive) return 'loading';
      this.s.takeLoad.run(owner, loadId);
      return 'yours';
    });
  }

  async finishLoad(loadId: number): Promise<void> {
    this.s.loadReady.run(loadId);
  }

  async addRecipients(issue: string, loadId: number, rows: NewRecipient[]): Promise<AddOutcome[]> {
    const at = new Date().toISOString();
    return this.tx(() =>
      rows.map((r): AddOutcome => {
        const found = this.s.find.get(issue, r.email) as
          | { id: number; state: JournalState; loadId: number }
          | undefined;
        if (!found) {
          this.s.insert.run(issue, r.email, r.ascii, JSON.stringify(r.fields), r.line, r.messageId, loadId, at);
          return 'new';
        }
        if (found.loadId === loadId) return 'duplicate';
        if (found.state === 'sent') {
          this.s.adoptSent.run(loadId, found.id);
          return 'already-sent';
        }
        this.s.adopt.run(loadId, JSON.stringify(r.fields), r.ascii, r.line, found.id);
        return 'resumed';
      }),
    );
  }

  async addInvalid(
    issue: string,
    loadId: number,
    rows: { line: number; raw: string; reason: string }[],
  ): Promise<void> {
    const at = new Date().toISOString();
    this.tx(() => {
      for (const r of rows)
        this.s.invalid.run(issue, `#${r.line}`, JSON.stringify({ email: r.raw }), r.line, r.reason, loadId, at);
    });
  }

  async claim(issue: string, loadId: number, owner: string, limit: number, leaseMs: number): Promise<JournalRow[]> {
    this.flushSync();
    const rows = this.tx(() => {
      const at = Date.now();
      const token = this.s.nextToken.pluck().get() as number;
      return this.s.claim.all(owner, at + leaseMs, token, new Date(at).toISOString(), issue, loadId, at, at, limit);
    }) as ClaimedRowData[];
    return claimedRows(rows);
  }

  record(ref: ClaimRef, outcome: Outcome): void {
    this.buffer.push({ ref, outcome });
    // Replies that arrive within FLUSH_DELAY_MS commit together (the send loop flushes sooner).
    if (this.buffer.length >= 256) this.flushSync();
    else this.timer ??= setTimeout(() => this.flushSync(), FLUSH_DELAY_MS);
  }

  unflushed(): number {
    return this.buffer.length;
  }

  async release(refs: ClaimRef[]): Promise<void> {
    this.flushSync();
    const at = new Date().toISOString();
    this.tx(() => {
      for (const r of refs) this.s.release.run(at, r.id, r.token);
    });
  }

  async heartbeat(owner: string, leaseMs: number, stats: WorkerStats): Promise<void> {
    this.flushSync();
    const until = Date.now() + leaseMs;
    this.tx(() => {
      this.s.beat.run(until, stats.sent, stats.failed, stats.inFlight, owner);
      this.s.renew.run(until, owner);
    });
  }

  async leaveRun(owner: string, stats: WorkerStats): Promise<void> {
    this.flushSync();
    this.s.leave.run(stats.sent, stats.failed, owner);
  }

  async reserveSlots(relay: string, n: number, intervalMs: number): Promise<number> {
    return this.tx(() => this.s.reserve.pluck().get({ relay, now: Date.now(), span: n * intervalMs }) as number);
  }

  async pauseRelay(relay: string, untilMs: number): Promise<void> {
    this.s.pauseRelay.run({ relay, until: untilMs });
  }

  async expireWorker(owner: string): Promise<void> {
    this.tx(() => {
      this.s.expireWorker.run(owner);
      this.s.expireRows.run(owner);
    });
  }

  async flush(): Promise<void> {
    this.flushSync();
  }

  private flushSync(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const at = new Date().toISOString();
    this.tx(() => {
      for (const { ref, outcome } of batch) {
        if (outcome.state === 'sent') this.s.sent.run(outcome.response?.slice(0, 500) ?? null, at, at, ref.id);
        else if (outcome.state === 'failed')
          this.s.failed.run(
            outcome.permanent ? 1 : 0,
            outcome.smtpCode ?? null,
            outcome.errorCode ?? null,
            outcome.response?.slice(0, 500) ?? null,
            outcome.permanent ? null : (outcome.notBefore ?? null),
            at,
            ref.id,
            ref.token,
          );
        else this.s.suppressed.run(at, ref.id, ref.token);
      }
    });
  }

  async counts(issue: string, loadId: number): Promise<JournalCounts> {
    return countsFrom(this.s.counts.all(issue, loadId) as Parameters<typeof countsFrom>[0]);
  }

  async failuresByCode(issue: string, loadId: number): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of this.s.byCode.all(issue, loadId) as { code: string; n: number }[]) out[r.code] = r.n;
    return out;
  }

  async waiting(issue: string, loadId: number, owner: string, limit: number): Promise<Waiting> {
    this.flushSync();
    const at = Date.now();
    const held = this.s.held.pluck().get(issue, loadId, owner, at) as number;
    const retries = this.s.retries.all(issue, loadId, limit) as Waiting['retries'];
    const retryCount = this.s.retryCount.pluck().get(issue, loadId) as number;
    return { heldByOthers: held, retries, retryCount };
  }

  async latestLoad(issue: string) {
    const l = this.s.latest.get(issue) as { id: number; startedAt: string } | undefined;
    if (!l) return undefined;
    const at = Date.now();
    const workers = (this.s.workers.all(l.id) as (Omit<WorkerStatus, 'alive' | 'done'> & { done: number })[]).map(
      (w) => ({ ...w, done: w.done === 1, alive: w.done === 0 && w.heartbeatUntil > at }),
    );
    return { loadId: l.id, startedAt: Date.parse(l.startedAt), workers };
  }

  async close(): Promise<void> {
    this.flushSync();
  }
}
