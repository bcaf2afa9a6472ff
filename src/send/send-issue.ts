import Database from 'better-sqlite3';
import { openDatabase } from '../store/db.js';
import { type AddOutcome, type Journal, type NewRecipient, SqliteJournal } from '../store/journal.js';
import { SuppressionList } from '../store/suppression.js';
import type { Diagnostic, RenderedIssue } from '../types.js';
import { GazetteError } from '../util/errors.js';
import { secretFromEnv } from '../util/token.js';
import { createMessageTemplate, type MessageTemplate } from './message.js';
import { type SendProgress, sendLoop, type StopReason } from './run.js';
import { refuseDrafts } from './drafts.js';
import { type DeliveryOptions, envOf, openTransport, resolveIssue } from './setup.js';
import type { RecipientSource } from './source.js';
import type { Delivery } from './transport.js';

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
}

const BATCH = 500;

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
  let db: Database.Database | undefined;
  let journal: Journal | undefined;
  try {
    db = openDatabase(o.root);
    // A dry run keeps its journal in memory: it must never mark anyone sent.
    journal = new SqliteJournal(dryRun ? new Database(':memory:') : db);
    const suppressions = new SuppressionList(db);
    const template = createMessageTemplate(rendered, { secret });
    const slug = rendered.issue.slug;
    const loaded = await loadList(o.recipients, rendered, template, journal, o.onNotice);
    const before = await journal.counts(slug, loaded.loadId);
    const plan: SendPlan = {
      issue: slug,
      subject: template.subject,
      transport: transport.description,
      dryRun,
      rows: loaded.rows,
      toSend: before.pending + before.sending + before.failedTemporary + before.suppressed,
      alreadySent: loaded.outcomes['already-sent'],
      invalid: loaded.invalid,
      duplicate: loaded.outcomes.duplicate,
      resumed: loaded.outcomes.resumed,
    };
    const report = (stop: SendReport['stop'], sent: number, after: typeof before, seconds: number) => ({
      plan,
      counts: {
        sent,
        alreadySent: plan.alreadySent,
        failedPermanent: after.failedPermanent,
        failedTemporary: after.failedTemporary,
        invalid: plan.invalid,
        duplicate: plan.duplicate,
        suppressed: after.suppressed,
        pending: after.pending + after.sending,
      },
      failuresByCode: {} as Record<string, number>,
      stop,
      seconds,
    });
    if (o.confirm && !(await o.confirm(plan))) return report('declined', 0, before, 0);

    const started = performance.now();
    const result = await sendLoop({
      issue: slug,
      loadId: loaded.loadId,
      journal,
      template,
      transport,
      isSuppressed: (email) => suppressions.has(email),
      concurrency,
      rate: o.rate,
      maxAttempts: o.maxAttempts ?? 5,
      retryDelayMs: o.retryDelayMs ?? 2000,
      retryCapMs: o.retryCapMs ?? 60_000,
      pauseAfter: o.pauseAfter ?? 10,
      signal: o.signal,
      onProgress: o.onProgress && ((p) => o.onProgress!(p, plan)),
      onFailure: o.onFailure,
    });
    const out: SendReport = report(
      result.stop,
      result.sent,
      await journal.counts(slug, loaded.loadId),
      (performance.now() - started) / 1000,
    );
    out.failuresByCode = await journal.failuresByCode(slug, loaded.loadId);
    if (result.cause) out.cause = result.cause;
    return out;
  } finally {
    await transport.close();
    await journal?.close();
    db?.close();
  }
}

interface Loaded {
  loadId: number;
  rows: number;
  invalid: number;
  outcomes: Record<AddOutcome, number>;
}

/** Streams the recipients into the journal, in batches, before anything is sent. */
async function loadList(
  source: RecipientSource,
  rendered: RenderedIssue,
  template: MessageTemplate,
  journal: Journal,
  onNotice: SendIssueOptions['onNotice'],
): Promise<Loaded> {
  const slug = rendered.issue.slug;
  const loadId = await journal.beginLoad(slug);
  const outcomes: Record<AddOutcome, number> = { new: 0, duplicate: 0, 'already-sent': 0, resumed: 0 };
  let rows = 0;
  let invalid = 0;
  let batch: NewRecipient[] = [];
  let bad: { line: number; raw: string; reason: string }[] = [];
  const flush = async () => {
    for (const o of await journal.addRecipients(slug, loadId, batch)) outcomes[o]++;
    await journal.addInvalid(slug, loadId, bad);
    batch = [];
    bad = [];
  };
  const columns = (have: string[]) => checkColumns(have, rendered, source.description, onNotice);
  for await (const row of source.rows(columns)) {
    rows++;
    if (row.kind === 'invalid') {
      invalid++;
      onNotice?.({
        code: 'send/invalid-address',
        severity: 'warning',
        message: `${row.reason}; not sent`,
        file: source.description,
        line: row.line,
      });
      bad.push(row);
    } else {
      batch.push({
        email: row.email,
        ascii: row.ascii,
        fields: row.fields,
        line: row.line,
        messageId: template.messageIdFor(row.email),
      });
    }
    if (batch.length + bad.length >= BATCH) await flush();
  }
  await flush();
  return { loadId, rows, invalid, outcomes };
}

/** A merge tag without a fallback must name a column: checked before anything is sent. */
function checkColumns(
  columns: string[],
  rendered: RenderedIssue,
  display: string,
  onNotice: SendIssueOptions['onNotice'],
): void {
  const have = new Set(columns);
  const missing = rendered.mergeTags.filter((t) => t.column && !have.has(t.column));
  for (const t of missing.filter((t) => t.fallback !== undefined)) {
    onNotice?.({
      code: 'send/missing-column',
      severity: 'warning',
      message: `${display} has no \`${t.column}\` column; every subscriber gets "${t.fallback}"`,
      file: t.file ?? 'template',
      line: t.line ?? 1,
    });
  }
  const fatal = missing.find((t) => t.fallback === undefined);
  if (fatal) {
    const names = [...new Set(missing.filter((t) => t.fallback === undefined).map((t) => t.column))].join('`, `');
    throw new GazetteError(`the issue uses {{subscriber.${fatal.column}}} but ${display} has no \`${names}\` column`, {
      code: 'send/missing-column',
      file: fatal.file,
      line: fatal.line,
      field: `subscriber.${fatal.column}`,
      hint: `Add the column to the list (its columns are: ${columns.join(', ')}), or give the tag a fallback: {{subscriber.${fatal.column} | default: "..."}}. Nothing was sent.`,
    });
  }
}
