import type { Journal, JournalRow } from '../store/journal.js';
import type { MessageTemplate } from './message.js';
import { backoff, RateLimiter } from './rate.js';
import { CONNECTION_CODES, type Delivery, type Transport } from './transport.js';

// The send loop. Rows are claimed from the journal in small batches (marked `sending`), checked
// against the suppression list right before each message, composed, rate-limited and handed to
// the transport with at most `concurrency * 2` in flight. Only a 250 marks a row sent.
// Temporary failures are retried with backoff and jitter up to `maxAttempts`, then left
// failed-temporary for a later run; permanent ones are recorded and never retried. A streak of
// failures that says "the server is down" pauses the run (resumable), and so does a stop signal
// (Ctrl-C): in-flight messages finish, nothing new starts.

export interface SendLoopOptions {
  issue: string;
  loadId: number;
  journal: Journal;
  template: MessageTemplate;
  transport: Transport;
  isSuppressed(email: string): boolean;
  concurrency: number;
  /** Messages per second; unlimited when absent. */
  rate?: number;
  /** Attempts per address in this run (temporary failures). */
  maxAttempts: number;
  retryDelayMs: number;
  retryCapMs: number;
  /** Pause after this many consecutive failures that point at the server. */
  pauseAfter: number;
  signal?: AbortSignal;
  onProgress?(p: SendProgress): void;
  onFailure?(email: string, d: Delivery & { ok: false }, willRetry: boolean): void;
}

export interface SendProgress {
  sent: number;
  failed: number;
  suppressed: number;
  retrying: number;
}

export type StopReason = 'done' | 'interrupted' | 'paused' | 'fatal';

export interface SendLoopResult extends SendProgress {
  stop: StopReason;
  /** The failure that paused or stopped the run. */
  cause?: Delivery & { ok: false };
}

interface Job {
  row: JournalRow;
  attempts: number;
  due: number;
}

const CLAIM_BATCH = 100;

export async function sendLoop(o: SendLoopOptions): Promise<SendLoopResult> {
  const limiter = o.rate ? new RateLimiter(o.rate) : undefined;
  const maxInFlight = Math.max(1, o.concurrency * 2);
  const progress: SendProgress = { sent: 0, failed: 0, suppressed: 0, retrying: 0 };
  let stop: StopReason | undefined;
  let cause: (Delivery & { ok: false }) | undefined;
  let cursor = 0;
  let exhausted = false;
  let buffer: JournalRow[] = [];
  const retries: Job[] = [];
  let inFlight = 0;
  let streak: { id: number; attempts: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
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

  const finish = (job: Job, d: Delivery) => {
    inFlight--;
    if (d.ok) {
      o.journal.record(job.row.id, { state: 'sent', response: d.response }, job.row.attempts + job.attempts);
      progress.sent++;
      streak = [];
    } else {
      const serverTrouble =
        d.kind === 'fatal' ||
        (d.smtpCode === undefined
          ? CONNECTION_CODES.has(d.errorCode ?? '') || d.errorCode === 'ECONNECTION'
          : d.smtpCode === 421);
      // A first attempt that fails, or any connection-level failure, says something about the
      // server; the retries of deferred addresses that pile up at the end of a run do not.
      if (job.attempts === 1 || serverTrouble)
        streak.push({ id: job.row.id, attempts: job.row.attempts + job.attempts });
      const retry = d.kind === 'temporary' && job.attempts < o.maxAttempts && !stop;
      o.journal.record(
        job.row.id,
        {
          state: 'failed',
          permanent: d.kind === 'permanent',
          smtpCode: d.smtpCode,
          errorCode: d.errorCode,
          response: d.response,
        },
        job.row.attempts + job.attempts,
      );
      o.onFailure?.(job.row.email, d, retry);
      if (retry) {
        retries.push({
          row: job.row,
          attempts: job.attempts,
          due: Date.now() + backoff(job.attempts, o.retryDelayMs, o.retryCapMs),
        });
        progress.retrying++;
      } else progress.failed++;
      if (d.kind === 'fatal') {
        stop ??= 'fatal';
        cause ??= d;
      } else if (streak.length >= o.pauseAfter && !stop) {
        stop = 'paused';
        cause = d;
        // The streak was the server's fault, not the addresses': let a later run try them again.
        for (const f of streak)
          o.journal.record(
            f.id,
            {
              state: 'failed',
              permanent: false,
              smtpCode: d.smtpCode,
              errorCode: d.errorCode,
              response: `run paused: ${d.response}`,
            },
            f.attempts,
          );
      }
    }
    o.onProgress?.(progress);
    notify();
  };

  const start = (job: Job, answered?: () => void) => {
    job.attempts++;
    inFlight++;
    const message = o.template.compose({
      email: job.row.email,
      ascii: job.row.ascii,
      fields: job.row.fields,
      messageId: job.row.messageId,
    });
    o.transport.send(message).then(
      (d) => {
        answered?.();
        finish(job, d);
      },
      (err: unknown) => {
        answered?.();
        finish(job, { ok: false, kind: 'temporary', errorCode: 'EUNKNOWN', response: String(err) });
      },
    );
  };

  const nextJob = async (): Promise<Job | undefined> => {
    const now = Date.now();
    const dueAt = retries.findIndex((j) => j.due <= now);
    if (dueAt >= 0) {
      progress.retrying--;
      return retries.splice(dueAt, 1)[0];
    }
    if (buffer.length === 0 && !exhausted) {
      buffer = await o.journal.claim(o.issue, o.loadId, cursor, CLAIM_BATCH);
      if (buffer.length < CLAIM_BATCH) exhausted = true;
      if (buffer.length) cursor = buffer[buffer.length - 1]!.id;
    }
    const row = buffer.shift();
    return row ? { row, attempts: 0, due: 0 } : undefined;
  };

  try {
    for (;;) {
      while (!stop && inFlight < maxInFlight) {
        const job = await nextJob();
        if (!job) break;
        // Re-checked right before sending: `gazette serve` may have recorded an unsubscribe
        // since the run started.
        if (o.isSuppressed(job.row.email)) {
          o.journal.record(job.row.id, { state: 'suppressed' }, job.row.attempts);
          progress.suppressed++;
          continue;
        }
        let answered: (() => void) | undefined;
        if (limiter) {
          answered = await limiter.take(o.signal);
          if (stop) {
            answered();
            if (job.attempts === 0) buffer.unshift(job.row);
            else retries.push(job);
            break;
          }
        }
        start(job, answered);
      }
      const idle = inFlight === 0;
      if (idle && (stop || (exhausted && buffer.length === 0 && retries.length === 0))) break;
      // Wait for a reply, a stop, or the next retry to fall due.
      await new Promise<void>((resolve) => {
        wake = resolve;
        clearTimeout(timer);
        if (!stop && retries.length > 0 && inFlight < maxInFlight) {
          let soonest = Infinity;
          for (const j of retries) soonest = Math.min(soonest, j.due);
          timer = setTimeout(notify, Math.max(0, soonest - Date.now()));
        }
      });
    }
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
    // Rows claimed but never tried go back to pending; retries already read failed-temporary.
    await o.journal.release(buffer.map((r) => r.id));
    await o.journal.flush();
  }
  progress.failed += retries.length;
  progress.retrying = 0;
  return { ...progress, stop: stop ?? 'done', ...(cause ? { cause } : {}) };
}
