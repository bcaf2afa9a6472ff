import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type MjmlOutcome, runMjml } from './mjml-run.js';

/**
 * Where MJML is compiled. Loading mjml is ~260 ms of a cold `gazette build` (more than half of a
 * bare script's whole run); in a worker thread, started by main() before the command even loads,
 * that load overlaps the main thread's own start-up, content loading and template rendering on a
 * second core. The output is the same bytes: the same function (runMjml) runs in either place.
 */
export interface MjmlEngine {
  /** Starts the worker loading mjml now, before the first compile asks (no-op once started). */
  start(): void;
  compile(mjml: string): Promise<MjmlOutcome>;
  /** Stops the worker (pending compiles finish in-process). */
  close(): Promise<void>;
}

/**
 * A compile worker, not started yet (start() or the first compile starts it), or undefined where
 * it would not help: one core, or running from the TypeScript sources (tests), where there is no
 * compiled worker file to start.
 */
export function mjmlWorker(): MjmlEngine | undefined {
  const file = new URL('./mjml-worker.js', import.meta.url);
  if (os.availableParallelism() < 2 || !existsSync(fileURLToPath(file))) return undefined;
  let worker: Worker | undefined;
  let stopped = false;
  const pending = new Map<number, { mjml: string; resolve: (o: MjmlOutcome) => void }>();
  let next = 0;
  // A worker that dies (out of memory, a crash in mjml) leaves its documents to the main thread.
  const fail = () => {
    stopped = true;
    worker = undefined;
    for (const { mjml, resolve } of pending.values()) resolve(runMjml(mjml) as never);
    pending.clear();
  };
  const start = () => {
    if (worker || stopped) return;
    try {
      worker = new Worker(file);
    } catch {
      stopped = true;
      return;
    }
    worker.on('message', ({ id, outcome }: { id: number; outcome: MjmlOutcome }) => {
      pending.get(id)?.resolve(outcome);
      pending.delete(id);
      if (pending.size === 0) worker?.unref();
    });
    worker.on('error', fail).on('exit', fail);
    // Idle, it must not keep the process alive.
    worker.unref();
  };
  return {
    start,
    compile(mjml) {
      start();
      if (!worker) return runMjml(mjml);
      const id = next++;
      worker.ref();
      worker.postMessage({ id, mjml });
      return new Promise((resolve) => pending.set(id, { mjml, resolve }));
    },
    async close() {
      const w = worker;
      fail();
      await w?.terminate();
    },
  };
}
