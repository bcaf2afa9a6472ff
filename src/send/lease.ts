import type { Journal, WorkerStats } from '../store/journal.js';

/**
 * Keeps a worker's lease alive: a heartbeat every leaseMs/5 renews the worker and every row it
 * holds. The worker may start a message only while its lease has at least leaseMs/3 left (a
 * message must be answered before anyone else may take its row). When a beat comes too late
 * (the process was stopped, the database was away), the rows claimed before it may already
 * belong to someone else: `generation` moves on and the loop drops what it claimed earlier.
 */
export class LeaseKeeper {
  private until = 0;
  private gen = 0;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly journal: Journal,
    private readonly owner: string,
    readonly leaseMs: number,
    private readonly stats: () => WorkerStats,
    private readonly onError: (err: unknown, failures: number) => void = () => {},
  ) {}

  /** The lease starts with entering the run (enterRun wrote heartbeat_until). */
  start(): void {
    this.until = Date.now() + this.leaseMs;
    this.timer = setInterval(() => void this.beat(), Math.max(50, Math.floor(this.leaseMs / 5)));
  }

  get generation(): number {
    return this.gen;
  }

  /** True while a message started now would be answered well inside the lease. */
  usable(): boolean {
    return Date.now() < this.until - this.leaseMs / 3;
  }

  beat(): Promise<void> {
    this.beating ??= (async () => {
      const startedAt = Date.now();
      if (startedAt > this.until - this.leaseMs / 3) this.gen++;
      try {
        await this.journal.heartbeat(this.owner, this.leaseMs, this.stats());
        this.until = startedAt + this.leaseMs;
        this.failures = 0;
      } catch (err) {
        this.onError(err, ++this.failures);
      } finally {
        this.beating = undefined;
      }
    })();
    return this.beating;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }
}
