// The send journal: one row per (issue, recipient), written for the whole list before the first
// message goes out, so that a crash can never lose track of anyone (listmonk #3022 moved its
// checkpoint when a batch was fetched). A row is `sent` only after the server's 250.
//
// Several workers (processes, machines) share one journal through leases. A worker enters a run
// under a per-issue lock: it joins the load a live worker is on, or starts a new load and reads
// the list into it. Rows are taken only by `claim`, which marks them `sending` with the worker as
// owner, a lease expiry the worker renews while it is alive (`heartbeat`), and a fencing token.
// A 250 always counts; a failure or a release applies only while the row still carries the
// claim's own token, so a worker that was stopped past its lease overwrites nothing. An expired
// lease makes the row claimable again: a dead worker's rows go to the living.
//
// Implemented by SQLite (sqlite/journal.ts, the embedded default) and PostgreSQL
// (postgres/journal.ts); tests/integration/store-contract.test.ts runs one suite against both.

export type JournalState = 'pending' | 'sending' | 'sent' | 'failed' | 'invalid' | 'suppressed';

export interface JournalRow {
  id: number;
  email: string;
  /** Envelope form of the address (A-label domain). */
  ascii: string;
  fields: Record<string, string>;
  messageId: string;
  /** Attempts over every run, and in this load only (the per-run retry budget). */
  attempts: number;
  runAttempts: number;
  /** The fencing token of this claim. */
  token: number;
  /** On the suppression list at the moment of the claim. */
  suppressed: boolean;
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
  | {
      state: 'failed';
      permanent: boolean;
      smtpCode?: number;
      errorCode?: string;
      response?: string;
      /** Temporary failures: when any worker may try again (epoch ms); absent: not in this load. */
      notBefore?: number;
    }
  | { state: 'suppressed' };

export interface ClaimRef {
  id: number;
  token: number;
}

export interface JournalCounts {
  pending: number;
  sending: number;
  sent: number;
  failedPermanent: number;
  failedTemporary: number;
  invalid: number;
  suppressed: number;
}

export interface WorkerIdentity {
  /** Unique per process: host, pid and a random part. */
  owner: string;
  host: string;
  pid: number;
  /** The list file, shown to workers that join. */
  source: string;
}

export type RunEntry =
  | { role: 'load'; loadId: number }
  | { role: 'join'; loadId: number; loadedBy: string; source: string };

export interface WorkerStats {
  sent: number;
  failed: number;
  inFlight: number;
}

export interface WorkerStatus extends WorkerStats {
  owner: string;
  host: string;
  pid: number;
  loadId: number;
  startedAt: number;
  heartbeatUntil: number;
  alive: boolean;
  done: boolean;
}

export interface Waiting {
  /** Rows other workers hold under a live lease. */
  heldByOthers: number;
  /** Rows scheduled for a retry later in this load, soonest first (at most `limit`). */
  retries: { email: string; notBefore: number; code: string }[];
  retryCount: number;
}

export interface Journal {
  /** Joins the load a live worker is on, or starts a new load for this worker to fill. */
  enterRun(issue: string, worker: WorkerIdentity, leaseMs: number): Promise<RunEntry>;
  /** For a joiner: `ready`, still `loading`, or `yours` when the loader died and this worker takes over. */
  loadState(loadId: number, owner: string): Promise<'ready' | 'loading' | 'yours'>;
  finishLoad(loadId: number): Promise<void>;
  addRecipients(issue: string, loadId: number, rows: NewRecipient[]): Promise<AddOutcome[]>;
  addInvalid(issue: string, loadId: number, rows: { line: number; raw: string; reason: string }[]): Promise<void>;
  /**
   * Takes up to `limit` rows of this load in id order that are pending, due for a retry, or
   * `sending` under an expired lease, and marks them `sending` under this owner's lease.
   */
  claim(issue: string, loadId: number, owner: string, limit: number, leaseMs: number): Promise<JournalRow[]>;
  /** Records an outcome (buffered: flush() writes). A failure or suppression needs the claim's token. */
  record(ref: ClaimRef, outcome: Outcome): void;
  /** Outcomes recorded but not yet written (they count toward a worker's in-flight window). */
  unflushed(): number;
  /** Puts claimed rows that were never attempted back to `pending` (under their own token only). */
  release(refs: ClaimRef[]): Promise<void>;
  /** Renews this worker's lease and the leases of the rows it holds; publishes its counters. */
  heartbeat(owner: string, leaseMs: number, stats: WorkerStats): Promise<void>;
  leaveRun(owner: string, stats: WorkerStats): Promise<void>;
  /**
   * The shared rate limit of a relay: reserves `n` start slots `intervalMs` apart for this worker
   * and returns the first one (epoch ms). Slots never overlap across workers, and none starts
   * before a shared back-off (pauseRelay) ends.
   */
  reserveSlots(relay: string, n: number, intervalMs: number): Promise<number>;
  /** Every worker holds off this relay until `untilMs` (after a 421/454: the relay is overloaded). */
  pauseRelay(relay: string, untilMs: number): Promise<void>;
  /** Ends a worker known to be dead (its process is gone): its rows are claimable at once. */
  expireWorker(owner: string): Promise<void>;
  flush(): Promise<void>;
  counts(issue: string, loadId: number): Promise<JournalCounts>;
  /** Counts of failures by SMTP reply or error code, e.g. {"550": 3, "ECONNECTION": 1}. */
  failuresByCode(issue: string, loadId: number): Promise<Record<string, number>>;
  waiting(issue: string, loadId: number, owner: string, limit: number): Promise<Waiting>;
  /** The newest load of an issue, and the workers that entered it. */
  latestLoad(issue: string): Promise<{ loadId: number; startedAt: number; workers: WorkerStatus[] } | undefined>;
  close(): Promise<void>;
}

/** Lease timing shared by the stores and the loop. */
export const LEASE_MS = 15_000;

/**
 * A recorded outcome is written at most this long after record() (the send loop writes sooner,
 * whenever `--concurrency` outcomes wait): several replies share one transaction.
 */
export const FLUSH_DELAY_MS = 50;

/** A claimed row as a store's driver returns it: JSON fields as text or parsed, flags as 0/1 or booleans, a bigint token as text. */
export interface ClaimedRowData extends Omit<JournalRow, 'fields' | 'suppressed' | 'token'> {
  fields: string | Record<string, string>;
  suppressed: boolean | number | null;
  token: number | string;
}

/** Claimed rows in the one shape every store hands the send loop, in list order (by id). */
export function claimedRows(rows: readonly ClaimedRowData[]): JournalRow[] {
  return rows
    .map((r) => ({
      ...r,
      fields: typeof r.fields === 'string' ? (JSON.parse(r.fields) as Record<string, string>) : r.fields,
      suppressed: r.suppressed === true || r.suppressed === 1,
      token: Number(r.token),
    }))
    .sort((a, b) => a.id - b.id);
}

/** The counts of a load from `state, permanent, n` groups (permanent as 0/1 or a boolean). */
export function countsFrom(
  groups: readonly { state: JournalState; permanent: boolean | number | null; n: number | string }[],
): JournalCounts {
  const c: JournalCounts = {
    pending: 0,
    sending: 0,
    sent: 0,
    failedPermanent: 0,
    failedTemporary: 0,
    invalid: 0,
    suppressed: 0,
  };
  for (const g of groups) {
    const n = Number(g.n);
    if (g.state === 'failed') c[g.permanent ? 'failedPermanent' : 'failedTemporary'] += n;
    else c[g.state] += n;
  }
  return c;
}
