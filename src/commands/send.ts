import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import Database from 'better-sqlite3';
import { parseCommandArgs, printDiagnostics, summarize } from '../cli.js';
import { loadEnv } from '../util/env.js';
import { GazetteError } from '../util/errors.js';
import { smtpSessionCode } from '../diagnostics/catalogue.js';
import { checkAddress } from '../send/address.js';
import { SqliteJournal, type AddOutcome, type Journal, type NewRecipient } from '../store/journal.js';
import { createMessageTemplate, type MessageTemplate } from '../send/message.js';
import { formatSeconds, progressReporter } from '../send/progress.js';
import { tuneHeapForSending } from '../send/memory.js';
import { readRecipients, type CsvHeader } from '../send/recipients.js';
import { sendLoop } from '../send/run.js';
import { dkimFromEnv, emlTransport, smtpTransport, type Transport } from '../send/transport.js';
import { openDatabase, stateDir } from '../store/db.js';
import { SuppressionList } from '../store/suppression.js';
import { secretFromEnv } from '../util/token.js';
import type { RenderedIssue } from '../types.js';

const USAGE = `gazette send --issue SLUG --to FILE.csv [--root DIR] [--smtp URL] [--rate N] [--concurrency N]
             [--dry-run DIR] [--test ADDRESS] [--yes]
             [--max-attempts N] [--retry-delay MS] [--pause-after N]`;

const HELP = `${USAGE}

Builds the issue and sends it to every valid, unsuppressed address of the CSV, journaled in
<root>/.gazette/journal.sqlite: re-running the same command resumes and never mails anyone twice.

  --to FILE.csv       subscribers: an \`email\` column, every other column a merge field
  --smtp URL          smtp://user:pass@host:587 (default: SMTP_URL from the environment or <root>/.env)
  --rate N            at most N messages per second (default: unlimited)
  --concurrency N     SMTP connections (default: 5)
  --dry-run DIR       write one .eml per recipient into DIR; no server, nobody marked sent
  --test ADDRESS      send one copy marked [TEST] to ADDRESS; not journaled, no CSV needed
  --yes               do not ask for confirmation
  --max-attempts N    tries per address for temporary failures (4xx, dropped connections) (default: 5)
  --retry-delay MS    first retry delay, doubled each time, with jitter, capped at 60 s (default: 2000)
  --pause-after N     stop after N consecutive failures: the server, not the addresses (default: 10)

Without any SMTP configured, messages go to <root>/.gazette/outbox/<issue>/ as .eml files.
Exit codes: 0 all sent, 2 some addresses failed, 1 error, paused or stopped (re-run to resume).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      issue: { type: 'string' },
      to: { type: 'string' },
      smtp: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      'dry-run': { type: 'string' },
      test: { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      'max-attempts': { type: 'string' },
      'retry-delay': { type: 'string' },
      'pause-after': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (!values.issue) throw usage('--issue SLUG is required');
  if (!values.to && !values.test) throw usage('--to FILE.csv is required (or --test ADDRESS for a single test copy)');
  if (values.to && values.test)
    throw usage('--test sends one copy to one address; leave out --to (or leave out --test to send to the list)');
  const concurrency = intOption(values.concurrency, '--concurrency', 5, 1, 100);
  const rate = values.rate === undefined ? undefined : numberOption(values.rate, '--rate', 0.01, 100_000);
  const maxAttempts = intOption(values['max-attempts'], '--max-attempts', 5, 1, 100);
  const retryDelayMs = intOption(values['retry-delay'], '--retry-delay', 2000, 0, 3_600_000);
  const pauseAfter = intOption(values['pause-after'], '--pause-after', 10, 1, 1_000_000);

  tuneHeapForSending();
  const root = path.resolve(values.root!);
  const env = loadEnv(root);
  // Refuse before building anything: unsubscribe links cannot be signed without it.
  const secret = secretFromEnv(env);

  // Imported only now, after the heap is tuned: loading MJML and the rest of the pipeline is
  // most of a send's start-up allocation.
  const { buildIssue } = await import('../pipeline/build.js');
  const built = await buildIssue({ root, issue: values.issue });
  printDiagnostics(
    built.diagnostics.filter((d) => d.severity === 'error'),
    root,
  );
  const rendered = built.issues[0];
  if (!built.ok || !rendered) {
    process.stderr.write(`\nThe issue does not build (${summarize(built.diagnostics)}); nothing was sent.\n`);
    return 1;
  }

  const smtpUrl = values.smtp ?? env.SMTP_URL;
  let transport: Transport;
  let dryRun = false;
  if (values['dry-run'] !== undefined) {
    transport = emlTransport(path.resolve(values['dry-run']));
    dryRun = true;
  } else if (!smtpUrl) {
    const outbox = path.join(stateDir(root), 'outbox', rendered.issue.slug);
    transport = emlTransport(outbox);
    dryRun = true;
    process.stderr.write(
      `No SMTP server configured (--smtp or SMTP_URL): writing .eml files to ${rel(outbox)} instead. Nobody is marked sent.\n`,
    );
  } else {
    transport = smtpTransport({ url: smtpUrl, concurrency, dkim: dkimFromEnv(env, root) });
  }

  if (values.test) return sendTest(rendered, secret, values.test, transport);

  const db = openDatabase(root);
  // A dry run keeps its journal in memory: it must never mark anyone sent.
  const journal: Journal = new SqliteJournal(dryRun ? new Database(':memory:') : db);
  const suppressions = new SuppressionList(db);
  const template = createMessageTemplate(rendered, { secret });
  try {
    const loaded = await loadList(values.to!, rendered, template, journal);
    const slug = rendered.issue.slug;
    const before = await journal.counts(slug, loaded.loadId);
    const toSend = before.pending + before.sending + before.failedTemporary + before.suppressed;
    process.stderr.write(
      `${loaded.rows} rows: ${toSend} to send, ${loaded.outcomes['already-sent']} already sent, ${loaded.invalid} invalid, ${loaded.outcomes.duplicate} duplicate${loaded.outcomes.resumed ? ` (${loaded.outcomes.resumed} resumed from an earlier run)` : ''}.\n`,
    );
    if (
      !(await confirm(values.yes!, [
        `Issue:      ${slug}`,
        `Subject:    ${template.subject}`,
        `Recipients: ${toSend}`,
        `Server:     ${transport.description}`,
      ]))
    ) {
      process.stderr.write('Not sent.\n');
      return 1;
    }

    const controller = new AbortController();
    const onSigint = () => {
      process.stderr.write(
        '\nStopping: finishing the messages in flight (Ctrl-C again to quit at once; the journal resumes either way)...\n',
      );
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    const progress = progressReporter(toSend);
    let failureLines = 0;
    const started = performance.now();
    const result = await sendLoop({
      issue: slug,
      loadId: loaded.loadId,
      journal,
      template,
      transport,
      isSuppressed: (email) => suppressions.has(email),
      concurrency,
      rate,
      maxAttempts,
      retryDelayMs,
      retryCapMs: 60_000,
      pauseAfter,
      signal: controller.signal,
      onProgress: (p) => progress.update(p),
      onFailure: (email, d, willRetry) => {
        if (willRetry || failureLines++ >= 50) return;
        process.stderr.write(
          `\r\x1b[2K${email}: ${d.kind === 'permanent' ? 'failed' : 'deferred'} (${d.smtpCode ?? d.errorCode}): ${d.response.replace(/\s+/g, ' ').slice(0, 160)}\n`,
        );
      },
    }).finally(() => {
      process.removeListener('SIGINT', onSigint);
      progress.done();
    });
    await transport.close();
    const seconds = (performance.now() - started) / 1000;

    const after = await journal.counts(slug, loaded.loadId);
    const byCode = await journal.failuresByCode(slug, loaded.loadId);
    const codes = Object.entries(byCode)
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ');
    const out = [
      `${dryRun ? 'Wrote' : 'Sent'} ${result.sent} message${result.sent === 1 ? '' : 's'} of "${slug}" ${dryRun ? 'as .eml files' : `via ${transport.description}`} in ${formatSeconds(seconds)}${result.sent ? ` (${(result.sent / seconds).toFixed(0)} msg/s)` : ''}.`,
      `  ${dryRun ? 'written:     ' : 'sent:        '} ${result.sent}`,
      `  already sent: ${loaded.outcomes['already-sent']}`,
      `  failed:       ${after.failedPermanent} permanently, ${after.failedTemporary} temporarily${codes ? ` (${codes})` : ''}`,
      `  invalid:      ${loaded.invalid}`,
      `  duplicates:   ${loaded.outcomes.duplicate}`,
      `  suppressed:   ${after.suppressed}`,
    ];
    if (after.pending + after.sending > 0) out.push(`  not sent yet: ${after.pending + after.sending}`);
    process.stdout.write(out.join('\n') + '\n');

    if (result.stop === 'fatal') {
      throw new GazetteError(`the SMTP server refused the session: ${result.cause?.response ?? 'unknown error'}`, {
        code: smtpSessionCode(result.cause?.errorCode),
        hint: 'Check SMTP_URL (user, password, port, TLS). Nothing more was sent; re-run the same command once it is fixed to resume.',
      });
    }
    if (result.stop === 'paused') {
      process.stderr.write(
        `\nPaused after ${pauseAfter} consecutive failures (last: ${result.cause?.smtpCode ?? result.cause?.errorCode}: ${result.cause?.response.slice(0, 160)}).\nThe server looks down or is refusing everyone; nothing was given up on. Re-run the same command to resume.\n`,
      );
      return 1;
    }
    if (result.stop === 'interrupted') {
      process.stderr.write('Stopped. Re-run the same command to resume where it left off.\n');
      return 1;
    }
    if (after.failedTemporary > 0)
      process.stderr.write(
        `${after.failedTemporary} address${after.failedTemporary === 1 ? ' was' : 'es were'} deferred; re-run the same command later to retry them.\n`,
      );
    return after.failedPermanent + after.failedTemporary > 0 ? 2 : 0;
  } finally {
    await journal.close();
    db.close();
  }
}

interface Loaded {
  loadId: number;
  rows: number;
  invalid: number;
  outcomes: Record<AddOutcome, number>;
}

/** Streams the CSV into the journal, in batches, before anything is sent. */
async function loadList(
  file: string,
  rendered: RenderedIssue,
  template: MessageTemplate,
  journal: Journal,
): Promise<Loaded> {
  const slug = rendered.issue.slug;
  const display = rel(path.resolve(file));
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
  for await (const row of readRecipients(file, display, (h) => checkColumns(h, rendered, display))) {
    rows++;
    if (row.kind === 'invalid') {
      invalid++;
      if (invalid <= 50)
        process.stderr.write(`${display}:${row.line}: warning: ${row.reason}; not sent [send/invalid-address]\n`);
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
    if (batch.length + bad.length >= 500) await flush();
  }
  await flush();
  if (invalid > 50) process.stderr.write(`... and ${invalid - 50} more invalid rows.\n`);
  return { loadId, rows, invalid, outcomes };
}

/** A merge tag without a fallback must name a CSV column: checked before anything is sent. */
function checkColumns(header: CsvHeader, rendered: RenderedIssue, display: string): void {
  const have = new Set(header.columns);
  const missing = rendered.mergeTags.filter((t) => t.column && !have.has(t.column));
  for (const t of missing.filter((t) => t.fallback !== undefined)) {
    process.stderr.write(
      `${t.file ?? 'template'}:${t.line ?? 1}:1: warning: ${display} has no \`${t.column}\` column; every subscriber gets "${t.fallback}" [send/missing-column]\n`,
    );
  }
  const fatal = missing.find((t) => t.fallback === undefined);
  if (fatal) {
    const names = [...new Set(missing.filter((t) => t.fallback === undefined).map((t) => t.column))].join('`, `');
    throw new GazetteError(`the issue uses {{subscriber.${fatal.column}}} but ${display} has no \`${names}\` column`, {
      code: 'send/missing-column',
      file: fatal.file,
      line: fatal.line,
      field: `subscriber.${fatal.column}`,
      hint: `Add the column to the CSV (its header row has: ${header.columns.join(', ')}), or give the tag a fallback: {{subscriber.${fatal.column} | default: "..."}}. Nothing was sent.`,
    });
  }
}

async function sendTest(
  rendered: RenderedIssue,
  secret: string,
  address: string,
  transport: Transport,
): Promise<number> {
  const check = checkAddress(address);
  if (!check.ok) throw usage(`--test ${JSON.stringify(address)} ${check.reason}`);
  const template = createMessageTemplate(rendered, { secret, test: true });
  const result = await transport.send(
    template.compose({ email: check.email, ascii: check.ascii, fields: { email: check.email } }),
  );
  await transport.close();
  if (result.ok) {
    process.stdout.write(
      `Sent a test copy of "${rendered.issue.slug}" to ${check.email} via ${transport.description} (not journaled).\n`,
    );
    return 0;
  }
  process.stderr.write(
    `The test copy to ${check.email} failed (${result.smtpCode ?? result.errorCode}): ${result.response}\n`,
  );
  return result.kind === 'permanent' ? 2 : 1;
}

async function confirm(yes: boolean, lines: string[]): Promise<boolean> {
  if (yes || !process.stdin.isTTY || !process.stderr.isTTY) return true;
  process.stderr.write(lines.join('\n') + '\n');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Send now? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

function usage(message: string): GazetteError {
  return new GazetteError(message, { code: 'cli/usage', hint: USAGE });
}

function numberOption(v: string, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw usage(`${name} must be a number from ${min} to ${max}, not ${JSON.stringify(v)}`);
  return n;
}

function intOption(v: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  const n = numberOption(v, name, min, max);
  if (!Number.isInteger(n)) throw usage(`${name} must be a whole number, not ${JSON.stringify(v)}`);
  return n;
}

function rel(p: string): string {
  return path.relative(process.cwd(), p) || '.';
}
