import path from 'node:path';
import { tuneHeapForSending } from '../send/memory.js';
import { refuseDrafts } from '../send/drafts.js';
import { sendIssue } from '../send/send-issue.js';
import { csvSource } from '../send/source.js';
import { isHardBounce, storeSource } from '../send/store-source.js';
import { databaseUrl, openSubscriberStores, type SubscriberStores } from '../store/subscriber-store.js';
import { sendTestCopy } from '../send/test-send.js';
import type { RenderedIssue } from '../types.js';
import { envFileWarning, loadEnv } from '../util/env.js';
import { GazetteError } from '../util/errors.js';
import { secretFromEnv } from '../util/token.js';
import { intOption, numberOption, parseCommandArgs, usageError } from './args.js';
import { type CommandIo, displayPath } from './io.js';
import { printDiagnostics, summarize } from './print.js';
import {
  confirmPlan,
  DRY_RUN_SECRET,
  failureLine,
  noticePrinter,
  reportExitCode,
  reportLines,
  testExitCode,
} from './send-output.js';
import { progressReporter } from '../send/progress.js';

const USAGE = `gazette send --issue SLUG [--to FILE.csv] [--root DIR] [--smtp URL] [--rate N] [--concurrency N]
             [--database URL] [--outbox DIR] [--dry-run DIR] [--test ADDRESS[,ADDRESS...]] [--yes]
             [--max-attempts N] [--retry-delay MS] [--pause-after N] [--skip-live-check] [--force] [--no-cache]
       gazette send --status --issue SLUG [--root DIR] [--database URL]`;

const HELP = `${USAGE}

Builds the issue and sends it to every valid, unsuppressed address of the CSV, journaled in
<root>/.gazette/journal.sqlite (or the PostgreSQL store): re-running the same command resumes and
never mails anyone twice. The same command run again while a send is going on (on this machine or,
with a shared --database, on any other) joins it: the rows are shared, nobody is mailed twice.

  --to FILE.csv       subscribers: an \`email\` column, every other column a merge field
                      (without --to: the confirmed subscribers of the store, see docs/subscribers.md;
                      an address refused as unknown (5.1.x) is then marked bounced)
  --smtp URL          smtp://user:pass@host:587 (default: SMTP_URL from the environment or <root>/.env)
  --rate N            at most N messages per second (default: unlimited)
  --concurrency N     SMTP connections (default: 5)
  --database URL      postgres://... shared by every sender (default: GAZETTE_DATABASE_URL, else SQLite)
  --outbox DIR        write one .eml per recipient into DIR instead of sending; nobody marked sent
  --dry-run DIR       the same as --outbox DIR
  --status            progress of the issue's current run across all senders, then exit
  --test ADDRESS      send one copy marked [TEST] to each ADDRESS (comma-separated or repeated);
                      not journaled, no CSV needed
  --yes               do not ask for confirmation
  --force             send although \`gazette check\` finds errors in the issue (they are listed)
  --max-attempts N    tries per address for temporary failures (4xx, dropped connections) (default: 5)
  --retry-delay MS    first retry delay, doubled each time, with jitter, capped at 60 s (default: 2000)
  --pause-after N     stop after N consecutive failures: the server, not the addresses (default: 10)
  --skip-live-check   send without first checking that the web version and every image answer
                      at their public URLs (also GAZETTE_SKIP_LIVE_CHECK=1)
  --no-cache          render and check the issue anew instead of using the build cache
                      (<root>/.gazette/cache/, which \`gazette build\` fills)

Before the first message of a real send, the issue's web version, every image of the email and
the article pages it links to must answer at their public URLs (HEAD, else GET; 8 s each, up to
5 redirects): deploy dist/ first. --outbox, --dry-run and --test copies skip that check.

Without --smtp or SMTP_URL (and no --outbox), nothing is sent and the exit code is 1.
--dry-run works without GAZETTE_SECRET: its unsubscribe links are then signed with a fixed
dry-run secret (it says so), which no server accepts.
Exit codes (docs/exit-codes.md): 0 every message sent, 2 some addresses failed (refused or
deferred), 1 nothing sent or stopped early: an error, the server refused the session (e.g. 530,
535), paused or interrupted (re-run to resume).`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
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
      test: { type: 'string', multiple: true },
      yes: { type: 'boolean', short: 'y', default: false },
      'max-attempts': { type: 'string' },
      'retry-delay': { type: 'string' },
      'pause-after': { type: 'string' },
      database: { type: 'string' },
      outbox: { type: 'string' },
      status: { type: 'boolean', default: false },
      'skip-live-check': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return 0;
  }
  if (!values.issue) throw usageError('--issue SLUG is required', USAGE);
  if (values.status) {
    const root = path.resolve(io.cwd, values.root!);
    const env = loadEnv(root, io.env);
    const { printStatus } = await import('./send-status.js');
    return printStatus({ root, issue: values.issue, url: values.database ?? env.GAZETTE_DATABASE_URL }, io);
  }
  if (values.to && values.test)
    throw usageError(
      '--test sends one copy to each address given; leave out --to (or leave out --test to send to the list)',
      USAGE,
    );
  const concurrency = intOption(values.concurrency, '--concurrency', 5, 1, 100, USAGE);
  const rate = values.rate === undefined ? undefined : numberOption(values.rate, '--rate', 0.01, 100_000, USAGE);
  const maxAttempts = intOption(values['max-attempts'], '--max-attempts', 5, 1, 100, USAGE);
  const retryDelayMs = intOption(values['retry-delay'], '--retry-delay', 2000, 0, 3_600_000, USAGE);
  const pauseAfter = intOption(values['pause-after'], '--pause-after', 10, 1, 1_000_000, USAGE);

  tuneHeapForSending();
  const root = path.resolve(io.cwd, values.root!);
  const env = loadEnv(root, io.env);
  const envWarning = envFileWarning(root);
  if (envWarning) io.stderr.write(envWarning);
  const smtpUrl = values.smtp ?? env.SMTP_URL;
  // Refuse before building anything: unsubscribe links cannot be signed without it. Nothing
  // leaves the machine in a --dry-run, so a fixed secret does there, and the run says so.
  const secret = values['dry-run'] !== undefined && !env.GAZETTE_SECRET ? DRY_RUN_SECRET : secretFromEnv(env);
  if (secret === DRY_RUN_SECRET)
    io.stderr.write(
      'GAZETTE_SECRET is not set: the unsubscribe links of this dry run are signed with a fixed dry-run secret and will not work.\n',
    );
  // A dry run and test copies are how an editor looks at a broken issue: only they go ahead
  // without --force.
  const rendered = await build(root, values.issue, io, {
    force: values.force! || values['dry-run'] !== undefined || values.test !== undefined,
    forced: values.force!,
    noCache: values['no-cache']!,
  });
  if (!rendered) return 1;

  const outboxFlag = values.outbox ?? values['dry-run'];
  const outbox = outboxFlag === undefined ? undefined : path.resolve(io.cwd, outboxFlag);
  // A real send that silently wrote files and exited 0 looked like success: refuse instead.
  if (outbox === undefined && !smtpUrl)
    throw new GazetteError('no SMTP server configured: nothing was sent', {
      code: 'send/no-transport',
      field: 'SMTP_URL',
      hint: 'Set SMTP_URL in <root>/.env (smtp://user:password@host:587) or pass --smtp URL; or pass --outbox DIR to write .eml files instead of sending.',
    });
  const smtpOption = values.smtp !== undefined ? '--smtp' : 'SMTP_URL';
  const delivery = outbox !== undefined ? { outbox } : { smtpUrl, concurrency, smtpOption };
  const common = { root, issue: rendered, secret, env, ...delivery };

  if (values.test) {
    const to = values.test.flatMap((v) => v.split(',')).map((v) => v.trim());
    const report = await sendTestCopy({ ...common, to }).catch((err: unknown) => {
      if (err instanceof GazetteError && err.code === 'send/test-address')
        throw usageError(`--test: ${err.message}`, USAGE);
      throw err;
    });
    for (const { email, delivery: d } of report.results) {
      if (d.ok)
        io.stdout.write(`Sent a test copy of "${report.issue}" to ${email} via ${report.transport} (not journaled).\n`);
      else io.stderr.write(`The test copy to ${email} failed (${d.smtpCode ?? d.errorCode}): ${d.response}\n`);
    }
    return testExitCode(report.results.map((r) => r.delivery));
  }

  if (outbox === undefined) {
    // A draft's web version is never published: say it is a draft, not that it is offline.
    refuseDrafts(rendered);
    await checkLive(rendered, values['skip-live-check']! || env.GAZETTE_SKIP_LIVE_CHECK === '1', io);
  }

  const notices = noticePrinter(io, root);
  let progress: ReturnType<typeof progressReporter> | undefined;
  const onStop = () =>
    io.stderr.write(
      '\nStopping: finishing the messages in flight (Ctrl-C again to quit at once; the journal resumes either way)...\n',
    );
  io.signal?.addEventListener('abort', onStop, { once: true });
  let failureLines = 0;
  const stores = values.to ? undefined : await openSubscriberStores({ root, url: databaseUrl(values.database, env) });
  const bounced: string[] = [];
  let storeWarnings = 0;
  const report = await sendIssue({
    ...common,
    recipients: stores
      ? storeSource(stores)
      : csvSource(path.resolve(io.cwd, values.to!), displayPath(io, path.resolve(io.cwd, values.to!))),
    rate,
    maxAttempts,
    retryDelayMs,
    pauseAfter,
    signal: io.signal,
    databaseUrl: values.database,
    onStoreError: (err) => {
      if (storeWarnings++ < 5)
        io.stderr.write(`\r\x1b[2Kwarning: the store did not answer (${String(err).slice(0, 160)}); retrying\n`);
    },
    onNotice: notices.print,
    confirm: async (plan) => {
      notices.done();
      if (!(await confirmPlan(plan, values.yes!, io))) return false;
      progress = progressReporter(plan.toSend, io.stderr);
      return true;
    },
    onProgress: (p) => progress?.update(p),
    onFailure: (email, d, willRetry) => {
      if (stores && !willRetry && isHardBounce(d)) bounced.push(email);
      if (willRetry || failureLines++ >= 50) return;
      io.stderr.write(failureLine(email, d));
    },
  }).finally(async () => {
    io.signal?.removeEventListener('abort', onStop);
    progress?.done();
    if (stores) {
      if (!outbox) await markBounced(stores, bounced, rendered.issue.slug, io);
      await stores.close();
    }
  });
  if (report.stop === 'declined') {
    io.stderr.write('Not sent.\n');
    return 1;
  }
  io.stdout.write(reportLines(report).join('\n') + '\n');
  return reportExitCode(report, pauseAfter, io);
}

/** A send from the store: addresses refused as unknown stop now (status and suppression list). */
async function markBounced(stores: SubscriberStores, emails: string[], issue: string, io: CommandIo): Promise<void> {
  for (const email of emails) {
    await stores.subscribers.setStatus(email, 'bounced');
    await stores.suppressions.replace(email, 'bounce', `send:${issue}`);
  }
  if (emails.length)
    io.stderr.write(`${emails.length} address${emails.length === 1 ? '' : 'es'} refused as unknown: marked bounced.\n`);
}

/** The live check (src/live/check.ts): throws send/not-live listing what does not answer. */
async function checkLive(rendered: RenderedIssue, skip: boolean, io: CommandIo): Promise<void> {
  if (skip) {
    io.stderr.write(
      'Skipping the live check (--skip-live-check or GAZETTE_SKIP_LIVE_CHECK=1): nothing verified that the web version and images are online.\n',
    );
    return;
  }
  const { liveCheck, liveTargets, notLiveError } = await import('../live/check.js');
  const result = await liveCheck(liveTargets(rendered));
  if (result.missing.length) throw notLiveError(rendered.issue.slug, result);
  io.stderr.write(`Live check: the ${result.checked} public URLs of the issue answer.\n`);
}

/**
 * Builds the issue with every check rule, printing its errors; undefined when it does not build,
 * or when check finds errors and the send is not forced (`force`).
 */
async function build(
  root: string,
  slug: string,
  io: CommandIo,
  o: { force: boolean; forced: boolean; noCache: boolean },
): Promise<RenderedIssue | undefined> {
  // Imported only now, after the heap is tuned: loading MJML and the rest of the pipeline is
  // most of a send's start-up allocation.
  const [{ buildIssue }, { BuildCache }, { PersistentCache }] = await Promise.all([
    import('../pipeline/build.js'),
    import('../cache/build-cache.js'),
    import('../cache/persistent.js'),
  ]);
  // The build cache `gazette build` fills (.gazette/cache/): a send after the build (the
  // documented order: build, deploy, send), a resumed send or another worker's start neither
  // renders the issue nor runs the check rules again (the same entries, keyed by every input).
  const cache = new BuildCache();
  if (!o.noCache) cache.persistent = new PersistentCache(path.join(root, '.gazette', 'cache'));
  const built = await buildIssue({ root, issue: slug, rules: 'all', cache });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  printDiagnostics(errors, root, io);
  const rendered = built.issues[0];
  if (!rendered) {
    io.stderr.write(`\nThe issue does not build (${summarize(built.diagnostics)}); nothing was sent.\n`);
    return undefined;
  }
  if (errors.length === 0) return rendered;
  if (!o.force) {
    io.stderr.write(
      `\n\`gazette check\` finds ${errors.length} error${errors.length === 1 ? '' : 's'} in this issue (listed above); nothing was sent.\nFix them, or pass --force to send it as it is.\n`,
    );
    return undefined;
  }
  if (o.forced)
    io.stderr.write(`\nSending despite ${errors.length} check error${errors.length === 1 ? '' : 's'} (--force).\n`);
  return rendered;
}
