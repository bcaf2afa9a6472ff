import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Journal, JournalCounts, RunEntry, WorkerIdentity } from '../store/journal.js';
import { LeaseKeeper } from './lease.js';
import { type SendLoopOptions, type SendLoopResult, sendLoop } from './run.js';

// One worker of a send: every `gazette send` of an issue, on any machine sharing the store, is
// one. It enters the issue's run under the store's per-issue lock: the first loads the list into
// the journal, the others join that load (waiting until it is complete, and taking the loading
// over if the loader dies). Then each runs the send loop on rows it claims under its own lease,
// until the list is done, and leaves.

export interface WorkerOptions
  extends Omit<SendLoopOptions, 'loadId' | 'owner' | 'lease' | 'onProgress' | 'journal' | 'issue'> {
  journal: Journal;
  issue: string;
  /** The list file (or store) this worker would load: shown to joiners. */
  source: string;
  leaseMs: number;
  /** Reads the list into the journal; only the worker that loads calls it. */
  load(loadId: number): Promise<void>;
  onJoin?(entry: Extract<RunEntry, { role: 'join' }>): void;
  onProgress?: SendLoopOptions['onProgress'];
  /** Called once the load is complete and before the first message, with the load's counts. */
  onReady?(loadId: number, counts: JournalCounts): Promise<boolean> | boolean;
}

export interface WorkerResult {
  entry: RunEntry;
  loadId: number;
  owner: string;
  /** False when onReady declined (nothing sent). */
  started: boolean;
  result?: SendLoopResult;
}

export function workerIdentity(source: string): WorkerIdentity {
  const host = os.hostname();
  return { owner: `${host}:${process.pid}:${randomBytes(3).toString('hex')}`, host, pid: process.pid, source };
}

/**
 * A worker of this host whose process is gone (SIGKILL, a crash, a reboot) would hold its rows
 * until its lease ran out; on the same host we can tell at once, and hand them on now.
 */
async function reapLocalWorkers(journal: Journal, issue: string, host: string): Promise<void> {
  const last = await journal.latestLoad(issue);
  for (const w of last?.workers ?? []) {
    if (!w.alive || w.host !== host || w.pid === process.pid) continue;
    try {
      process.kill(w.pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') await journal.expireWorker(w.owner);
    }
  }
}

export async function runWorker(o: WorkerOptions): Promise<WorkerResult> {
  const me = workerIdentity(o.source);
  await reapLocalWorkers(o.journal, o.issue, me.host);
  const entry = await o.journal.enterRun(o.issue, me, o.leaseMs);
  const stats = { sent: 0, failed: 0, inFlight: 0 };
  const lease = new LeaseKeeper(o.journal, me.owner, o.leaseMs, () => stats, o.onStoreError);
  lease.start();
  try {
    let loader = entry.role === 'load';
    if (entry.role === 'load') await o.load(entry.loadId);
    else {
      o.onJoin?.(entry);
      for (;;) {
        const state = await o.journal.loadState(entry.loadId, me.owner);
        if (state === 'ready') break;
        if (state === 'yours') {
          loader = true;
          await o.load(entry.loadId);
          break;
        }
        await sleep(200, undefined, { signal: o.signal }).catch(() => undefined);
        if (o.signal?.aborted) return { entry, loadId: entry.loadId, owner: me.owner, started: false };
      }
    }
    // Only the loader marks the load ready (a joiner that took over is the loader now).
    if (loader) await o.journal.finishLoad(entry.loadId);
    const counts = await o.journal.counts(o.issue, entry.loadId);
    if (o.onReady && !(await o.onReady(entry.loadId, counts)))
      return { entry, loadId: entry.loadId, owner: me.owner, started: false };
    const result = await sendLoop({
      ...o,
      loadId: entry.loadId,
      owner: me.owner,
      lease,
      onProgress: (p) => {
        stats.sent = p.sent;
        stats.failed = p.failed;
        stats.inFlight = p.inFlight;
        o.onProgress?.(p);
      },
    });
    return { entry, loadId: entry.loadId, owner: me.owner, started: true, result };
  } finally {
    await lease.stop();
    await o.journal.leaveRun(me.owner, stats).catch(() => undefined);
  }
}
