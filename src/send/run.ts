import type { Journal, JournalRow, Waiting } from '../store/journal.js';
import type { LeaseKeeper } from './lease.js';
import type { MessageTemplate } from './message.js';
import { backoff, type Limiter, RateLimiter } from './rate.js';
import { sleep } from './sleep.js';
import { CONNECTION_CODES, type Delivery, type Transport } from './transport.js';

// The send loop of one worker. Rows are claimed from the shared journal in small batches under
// the worker's lease, checked against the suppression list right before each message, composed,
// rate-limited and handed to the transport with at most `concurrency * 2` in flight. Only a 250
// marks a row sent. A temporary failure is recorded with the time it may be tried again
// (`not_before`, in the journal, so any worker picks it up and a crash keeps the schedule); the
// rest of the list goes on meanwhile. Permanent ones are recorded and never retried. A streak of
// failures that says "the server is down" pauses the run (resumable), and so does a stop signal
// (Ctrl-C): in-flight messages finish, nothing new starts. A 5xx is the server answering, so it
// never counts toward the streak and is never rewritten as temporary.

export interface SendLoopOptions {
  issue: string;
  loadId: number;
  owner: string;
  journal: Journal;
  lease: LeaseKeeper;
  template: MessageTemplate;
  transport: Transport;
  /** Checked right before each message, on top of the claim's own check. */
  isSuppressed?(email: string): boolean | Promise<boolean>;
  /**
   * The suppressed ones among these addresses, in one query: each claimed batch is checked so at
   * once, and again when SUPPRESSION_FRESH_MS have passed; isSuppressed is then asked only when
   * that check failed.
   */
  suppressedAmong?(emails: string[]): Set<string> | Promise<Set<string>>;
  concurrency: number;
  /** Messages per second; unlimited when absent. Or a limiter shared through the store. */
  rate?: number;
  limiter?: Limiter;
  /** Attempts per address in this load (temporary failures). */
  maxAttempts: number;
  retryDelayMs: number;
  retryCapMs: number;
  /** Pause after this many consecutive failures that point at the server. */
  pauseAfter: number;
  signal?: AbortSignal;
  onProgress?(p: SendProgress): void;
  onFailure?(email: string, d: Delivery & { ok: false }, willRetry: boolean): void;
  /** The store did not answer (it is retried): for a warning. */
  onStoreError?(err: unknown): void;
  /** Rows held by another worker, or retries due this soon, are waited for before the run ends. */
  lingerMs?: number;
}

export interface SendProgress {
  sent: number;
  failed: number;
  suppressed: number;
  retrying: number;
  inFlight: number;
}

export type StopReason = 'done' | 'interrupted' | 'paused' | 'fatal';

export interface SendLoopResult extends SendProgress {
  stop: StopReason;
  /** The failure that paused or stopped the run. */
  cause?: Delivery & { ok: false };
  /** What is left for later: retries scheduled in the journal. */
  waiting: Waiting;
}

const CLAIM_BATCH = 100;

/** A batch's suppression check holds this long: a suppression added later stops its messages from then on. */
export const SUPPRESSION_FRESH_MS = 1000;

export async function sendLoop(o: SendLoopOptions): Promise<SendLoopResult> {
  const limiter = o.limiter ?? (o.rate ? new RateLimiter(o.rate) : undefined);
  const maxInFlight = Math.max(1, o.concurrency * 2);
  // Claim no more than this worker will start soon: a big claim would starve workers that join
  // later (and, rate-limited, hold rows for a long lease time).
  const claimBatch = Math.max(1, Math.min(CLAIM_BATCH, maxInFlight * 4, o.rate ? Math.ceil(o.rate) : CLAIM_BATCH));
  const lingerMs = o.lingerMs ?? 1000;
  const progress: SendProgress = { sent: 0, failed: 0, suppressed: 0, retrying: 0, inFlight: 0 };
  const deferred = new Set<number>();
  let stop: StopReason | undefined;
  let cause: (Delivery & { ok: false }) | undefined;
  let buffer: JournalRow[] = [];
  let bufferGen = 0;
  // When the buffer's rows were last checked against the suppression list as a batch (0: never).
  let checkedAt = 0;
  // Outcomes are written in batches of this many (or after FLUSH_DELAY_MS): a transaction per
  // reply was most of the journal's cost. They count toward the in-flight window until written,
  // and the loop goes on starting messages while a batch is written (a PostgreSQL commit that
  // takes a while must not leave connections idle): half the connections, so the other half of
  // the window keeps every connection busy meanwhile.
  const flushAt = Math.max(1, Math.ceil(o.concurrency / 2));
  let flushing: Promise<unknown> | undefined;
  let streak = 0;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onAbort = () => {
    stop ??= 'interrupted';
    notify();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) stop = 'interrupted';

  const settle = (row: JournalRow) => {
    if (deferred.delete(row.id)) progress.retrying--;
  };

  const finish = (row: JournalRow, d: Delivery) => {
    progress.inFlight--;
    settle(row);
    if (d.ok) {
      o.journal.record(row, { state: 'sent', response: d.response });
      progress.sent++;
      streak = 0;
    } else {
      const serverTrouble =
        d.kind === 'fatal' || (d.smtpCode === undefined ? CONNECTION_CODES.has(d.errorCode ?? '') : d.smtpCode === 421);
      // A 5xx is an answer about this address from a server that works. A first attempt that
      // fails temporarily, or a connection-level failure, says something about the server; the
      // retries of deferred addresses do not.
      if (d.kind === 'permanent') streak = 0;
      else if (row.runAttempts === 0 || serverTrouble) streak++;
      const retry = d.kind === 'temporary' && row.runAttempts + 1 < o.maxAttempts;
      o.journal.record(row, {
        state: 'failed',
        permanent: d.kind === 'permanent',
        smtpCode: d.smtpCode,
        errorCode: d.errorCode,
        response: d.response,
        ...(retry ? { notBefore: Date.now() + backoff(row.runAttempts + 1, o.retryDelayMs, o.retryCapMs) } : {}),
      });
      o.onFailure?.(row.email, d, retry);
      if (retry) {
        deferred.add(row.id);
        progress.retrying++;
      } else progress.failed++;
      if (d.kind === 'fatal') {
        stop ??= 'fatal';
        cause ??= d;
      } else if (streak >= o.pauseAfter && !stop) {
        stop = 'paused';
        cause = d;
      }
    }
    o.onProgress?.(progress);
    notify();
  };

  const start = (row: JournalRow, answered?: (d?: { ok: boolean; smtpCode?: number }) => void) => {
    progress.inFlight++;
    const message = o.template.compose({
      email: row.email,
      ascii: row.ascii,
      fields: row.fields,
      messageId: row.messageId,
    });
    o.transport.send(message).then(
      (d) => {
        answered?.(d);
        finish(row, d);
      },
      (err: unknown) => {
        const d: Delivery = { ok: false, kind: 'temporary', errorCode: 'EUNKNOWN', response: String(err) };
        answered?.(d);
        finish(row, d);
      },
    );
  };

  /** Store calls are retried: a database restart must not end the run. */
  const store = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (err) {
      o.onStoreError?.(err);
      await sleep(500);
      return undefined;
    }
  };

  const dropBuffer = async () => {
    const rows = buffer;
    buffer = [];
    if (rows.length) await store(() => o.journal.release(rows));
  };

  const nextRow = async (): Promise<JournalRow | undefined> => {
    if (buffer.length === 0) {
      const rows = await store(() => o.journal.claim(o.issue, o.loadId, o.owner, claimBatch, o.lease.leaseMs));
      buffer = rows ?? [];
      bufferGen = o.lease.generation;
      checkedAt = 0;
    }
    if (o.suppressedAmong && buffer.length && Date.now() - checkedAt > SUPPRESSION_FRESH_MS) {
      const at = Date.now();
      const rows = buffer;
      const hit = await store(async () => o.suppressedAmong!(rows.map((r) => r.email)));
      if (hit) for (const r of rows) if (hit.has(r.email)) r.suppressed = true;
      // Unanswered: each row is asked on its own below.
      checkedAt = hit ? at : 0;
    }
    return buffer.shift();
  };

  let waiting: Waiting = { heldByOthers: 0, retries: [], retryCount: 0 };
  try {
    for (;;) {
      if (!flushing && o.journal.unflushed() >= flushAt)
        flushing = store(() => o.journal.flush()).finally(() => {
          flushing = undefined;
          notify();
        });
      // A 250 not yet written counts as in flight: if the worker dies now it is sent again, so
      // the window a crash can duplicate stays maxInFlight.
      while (!stop && progress.inFlight + o.journal.unflushed() < maxInFlight) {
        // Rows claimed before a lapse of the lease may be someone else's now.
        if (!o.lease.usable() || bufferGen !== o.lease.generation) {
          await dropBuffer();
          if (!o.lease.usable()) break;
        }
        const row = await nextRow();
        if (!row) break;
        // Re-checked right before sending: `gazette serve` may have recorded an unsubscribe
        // since the run started.
        let suppressed = row.suppressed;
        if (!suppressed && o.isSuppressed && !(o.suppressedAmong && checkedAt)) {
          const answer = await store(async () => o.isSuppressed!(row.email));
          if (answer === undefined) {
            buffer.unshift(row);
            break;
          }
          suppressed = answer;
        }
        if (suppressed) {
          settle(row);
          o.journal.record(row, { state: 'suppressed' });
          progress.suppressed++;
          continue;
        }
        let answered: ((d?: { ok: boolean; smtpCode?: number }) => void) | undefined;
        if (limiter) {
          answered = await limiter.take(o.signal);
          if (stop) {
            answered();
            buffer.unshift(row);
            break;
          }
        }
        start(row, answered);
      }
      if (progress.inFlight === 0 && o.journal.unflushed() > 0) {
        await store(() => o.journal.flush());
        continue;
      }
      if (progress.inFlight === 0) {
        if (stop) break;
        if (buffer.length === 0) {
          // Nothing to claim right now: done, unless another worker still holds rows (they come
          // back if it dies) or a retry falls due within the linger time.
          await store(() => o.journal.flush());
          const w = await store(() => o.journal.waiting(o.issue, o.loadId, o.owner, 20));
          if (w) {
            waiting = w;
            const soonest = w.retries[0]?.notBefore;
            const dueIn = soonest === undefined ? Infinity : soonest - Date.now();
            if (w.heldByOthers === 0 && dueIn > lingerMs) break;
            await sleep(Math.max(10, Math.min(w.heldByOthers ? 250 : dueIn, 250)), undefined, {
              signal: o.signal,
            }).catch(() => undefined);
          }
          continue;
        }
        if (!o.lease.usable()) await o.lease.beat().then(() => sleep(100));
        continue;
      }
      // Wait for a reply or a stop.
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    // Rows claimed but never tried go back to pending.
    await dropBuffer();
    await store(() => o.journal.flush());
  }
  const w = await store(() => o.journal.waiting(o.issue, o.loadId, o.owner, 20));
  if (w) waiting = w;
  return { ...progress, stop: stop ?? 'done', waiting, ...(cause ? { cause } : {}) };
}
