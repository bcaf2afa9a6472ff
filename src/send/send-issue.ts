import { type JournalCounts, LEASE_MS, type Waiting } from '../store/journal.js';
import { openStore, type Store } from '../store/open.js';
import type { Diagnostic, RenderedIssue } from '../types.js';
import { secretFromEnv } from '../util/token.js';
import { type Loaded, loadList } from './load-list.js';
import { createMessageTemplate } from './message.js';
import type { SendProgress, StopReason } from './run.js';
import { refuseDrafts } from './drafts.js';
import { type DeliveryOptions, envOf, openTransport, resolveIssue } from './setup.js';
import type { RecipientSource } from './source.js';
import type { Delivery } from './transport.js';
import { SharedRateLimiter } from './shared-rate.js';
import { runWorker } from './worker.js';

// Sending as a library: load the list into the journal, run the send loop, report. Nothing is
// printed here; callers (the `send` command, tests, other programs) format the report and the
// notices themselves.

export interface SendIssueOptions extends DeliveryOptions {
  root: string;
  /** A slug (built here) or an issue already built (e.g. by a command that printed its diagnostics). */
  issue: string | RenderedIssue;
  recipients: RecipientSource;
  /** Nobody is marked sent (the journal lives in memory). Default: true for an outbox, false otherwise. */
  dryRun?: boolean;
  /** Signs unsubscribe links; default GAZETTE_SECRET from `env`. */
  secret?: string;
  /** Default: the process environment merged with <root>/.env. */
  env?: NodeJS.ProcessEnv;
  /** Messages per second; unlimited when absent. */
  rate?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  retryCapMs?: number;
  pauseAfter?: number;
  /** Aborting stops the run: messages in flight finish, nothing new starts (resumable). */
  signal?: AbortSignal;
  /** Called once the list is loaded, before anything is sent; false sends nothing. */
  confirm?(plan: SendPlan): boolean | Promise<boolean>;
  onProgress?(p: SendProgress, plan: SendPlan): void;
  onFailure?(email: string, d: Delivery & { ok: false }, willRetry: boolean): void;
  /** Warnings found while loading: invalid rows, merge tags falling back for want of a column. */
  onNotice?(d: Diagnostic): void;
  /** postgres:// URL of the shared store; default GAZETTE_DATABASE_URL, else the root's SQLite file. */
  databaseUrl?: string;
  leaseMs?: number;
  /** The store did not answer (the send retries): for a warning. */
  onStoreError?(err: unknown): void;
}

/** What a run is about to do, known once the list is in the journal. */
export interface SendPlan {
  issue: string;
  subject: string;
  /** Where messages go, e.g. "smtp://mail.example.org:587" or ".eml files in DIR". */
  transport: string;
  dryRun: boolean;
  /** Rows read from the source (valid or not). */
  rows: number;
  toSend: number;
  alreadySent: number;
  invalid: number;
  duplicate: number;
  /** Rows an earlier run left unfinished and this one picks up. */
  resumed: number;
  /** Another sender had loaded the list already: this run joined it (and read no list itself). */
  joined?: { loadedBy: string; source: string };
}

export interface SendCounts {
  /** Sent (or written, in a dry run) by this run. */
  sent: number;
  alreadySent: number;
  failedPermanent: number;
  failedTemporary: number;
  invalid: number;
  duplicate: number;
  suppressed: number;
  /** Not attempted yet (the run stopped early): a re-run sends them. */
  pending: number;
  /** Sent by every sender of this run (several share one run through the store). */
  sentByAll: number;
}

export interface SendReport {
  plan: SendPlan;
  counts: SendCounts;
  /** Failures by SMTP reply or error code, e.g. {"550": 3, "ECONNECTION": 1}. */
  failuresByCode: Record<string, number>;
  /** `declined`: confirm() said no, nothing was sent. */
  stop: StopReason | 'declined';
  /** The failure that paused or stopped the run. */
  cause?: Delivery & { ok: false };
  seconds: number;
  /** Retries scheduled for later in the journal: who waits, and from when. */
  waiting: Waiting;
  /** Senders that took part in this run. */
  workers: number;
}

export async function sendIssue(o: SendIssueOptions): Promise<SendReport> {
  const env = envOf(o.root, o.env);
  // Refuse before building anything: unsubscribe links cannot be signed without it.
  const secret = o.secret ?? secretFromEnv(env);
  const rendered = await resolveIssue(o.root, o.issue);
  // Before any transport opens: a run that marks people sent never carries a draft.
  if (!(o.dryRun ?? o.outbox !== undefined)) refuseDrafts(rendered);
  const concurrency = o.concurrency ?? 5;
  const { transport, dryRun: toOutbox } = openTransport({ ...o, concurrency }, o.root, env);
  const dryRun = o.dryRun ?? toOutbox;
  let store: Store | undefined;
  try {
    store = await openStore({ root: o.root, url: o.databaseUrl ?? env.GAZETTE_DATABASE_URL, dryRun });
    const { journal, suppressions } = store;
    const template = createMessageTemplate(rendered, { secret });
    const slug = rendered.issue.slug;
    let loaded: Loaded | undefined;
    let plan: SendPlan | undefined;
    const makePlan = (before: JournalCounts): SendPlan => ({
      issue: slug,
      subject: template.subject,
      transport: transport.description,
      dryRun,
      rows: loaded?.rows ?? 0,
      toSend: before.pending + before.sending + before.failedTemporary,
      alreadySent: loaded?.outcomes['already-sent'] ?? 0,
      invalid: loaded?.invalid ?? before.invalid,
      duplicate: loaded?.outcomes.duplicate ?? 0,
      resumed: loaded?.outcomes.resumed ?? 0,
      ...(joined ? { joined } : {}),
    });
    let joined: SendPlan['joined'];
    const started = performance.now();
    const w = await runWorker({
      journal,
      issue: slug,
      source: o.recipients.description,
      // GAZETTE_LEASE_MS: shorter leases hand a stalled worker's rows on sooner (tests use it).
      leaseMs: o.leaseMs ?? (Number(env.GAZETTE_LEASE_MS) || LEASE_MS),
      load: async (loadId) => {
        loaded = await loadList(o.recipients, rendered, template, journal, loadId, o.onNotice);
      },
      onJoin: (e) => {
        joined = { loadedBy: e.loadedBy, source: e.source };
      },
      onReady: async (_loadId, before) => {
        plan = makePlan(before);
        return o.confirm ? o.confirm(plan) : true;
      },
      template,
      transport,
      // SQLite answers synchronously; PostgreSQL is asked per message, so an unsubscribe recorded
      // by any server reaches every running worker at once.
      isSuppressed: suppressions.hasSync ? (email) => suppressions.hasSync!(email) : (email) => suppressions.has(email),
      // Each claimed batch in one query (re-asked after a second): a query per message was a
      // PostgreSQL round trip each.
      ...(suppressions.among ? { suppressedAmong: (emails: string[]) => suppressions.among!(emails) } : {}),
      concurrency,
      // One schedule per relay in the store: --rate holds across every worker.
      rate: o.rate,
      limiter: o.rate ? new SharedRateLimiter(journal, transport.description, o.rate, 2000, o.onStoreError) : undefined,
      maxAttempts: o.maxAttempts ?? 5,
      retryDelayMs: o.retryDelayMs ?? 2000,
      retryCapMs: o.retryCapMs ?? 60_000,
      pauseAfter: o.pauseAfter ?? 10,
      signal: o.signal,
      onProgress: o.onProgress && ((p) => plan && o.onProgress!(p, plan)),
      onFailure: o.onFailure,
      onStoreError: o.onStoreError,
    });
    const after = await journal.counts(slug, w.loadId);
    plan ??= makePlan(after);
    const result = w.result;
    const workers = (await journal.latestLoad(slug))?.workers.filter((x) => x.loadId === w.loadId).length ?? 1;
    const out: SendReport = {
      plan,
      counts: {
        sent: result?.sent ?? 0,
        alreadySent: plan.alreadySent,
        failedPermanent: after.failedPermanent,
        failedTemporary: after.failedTemporary,
        invalid: plan.invalid,
        duplicate: plan.duplicate,
        suppressed: after.suppressed,
        pending: after.pending + after.sending,
        sentByAll: after.sent,
      },
      failuresByCode: await journal.failuresByCode(slug, w.loadId),
      stop: result ? result.stop : 'declined',
      seconds: result ? (performance.now() - started) / 1000 : 0,
      waiting: result?.waiting ?? { heldByOthers: 0, retries: [], retryCount: 0 },
      workers,
    };
    if (result?.cause) out.cause = result.cause;
    return out;
  } finally {
    await transport.close();
    await store?.close();
  }
}
