import { createInterface } from 'node:readline/promises';
import { smtpSessionCode } from '../diagnostics/catalogue.js';
import { formatSeconds } from '../send/progress.js';
import type { SendPlan, SendReport } from '../send/send-issue.js';
import type { Waiting } from '../store/journal.js';
import type { Delivery } from '../send/transport.js';
import type { Diagnostic } from '../types.js';
import { formatDiagnostic, GazetteError } from '../util/errors.js';
import type { CommandIo } from './io.js';
import { printDiagnostics } from './print.js';

// How `gazette send` words what sendIssue() reports: notices while loading, the plan and its
// confirmation, one line per failure, the summary and the exit code.

const MAX_INVALID_LINES = 50;

/** Signs the links of a dry run without GAZETTE_SECRET: nothing is sent, and no server accepts it. */
export const DRY_RUN_SECRET = 'gazette-dry-run-secret-not-for-sending';

/**
 * The one rule for SMTP outcomes, shared by --test and the list: 0 every message accepted; 1 the
 * server refused the session (530, 535 and the like: nothing can go through); 2 some addresses
 * refused or deferred.
 */
export function testExitCode(deliveries: Delivery[]): number {
  if (deliveries.some((d) => !d.ok && d.kind === 'fatal')) return 1;
  return deliveries.every((d) => d.ok) ? 0 : 2;
}

export function noticePrinter(io: CommandIo, root: string): { print(d: Diagnostic): void; done(): void } {
  let invalid = 0;
  return {
    print(d) {
      if (d.code === 'send/invalid-address') {
        // The file is the list as the user named it, not a path under the root.
        if (++invalid <= MAX_INVALID_LINES) io.stderr.write(formatDiagnostic(d) + '\n');
      } else printDiagnostics([d], root, io);
    },
    done() {
      if (invalid > MAX_INVALID_LINES) io.stderr.write(`... and ${invalid - MAX_INVALID_LINES} more invalid rows.\n`);
      invalid = 0;
    },
  };
}

/** Says what is about to happen and, on a terminal without --yes, asks. */
export async function confirmPlan(plan: SendPlan, yes: boolean, io: CommandIo): Promise<boolean> {
  if (plan.joined)
    io.stderr.write(
      `Another sender (${plan.joined.loadedBy}) is sending "${plan.issue}" from ${plan.joined.source}: joining it (this run reads no list; the rows are shared and nobody is mailed twice). ${plan.toSend} left to send.\n`,
    );
  else
    io.stderr.write(
      `${plan.rows} rows: ${plan.toSend} to send, ${plan.alreadySent} already sent, ${plan.invalid} invalid, ${plan.duplicate} duplicate${plan.resumed ? ` (${plan.resumed} resumed from an earlier run)` : ''}.\n`,
    );
  if (yes || !io.stdin?.isTTY || !io.stderr.isTTY) return true;
  io.stderr.write(
    [
      `Issue:      ${plan.issue}`,
      `Subject:    ${plan.subject}`,
      `Recipients: ${plan.toSend}`,
      `Server:     ${plan.transport}`,
    ].join('\n') + '\n',
  );
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    return /^y(es)?$/i.test((await rl.question('Send now? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

export function failureLine(email: string, d: Delivery & { ok: false }): string {
  return `\r\x1b[2K${email}: ${d.kind === 'permanent' ? 'failed' : 'deferred'} (${d.smtpCode ?? d.errorCode}): ${d.response.replace(/\s+/g, ' ').slice(0, 160)}\n`;
}

export function reportLines(r: SendReport): string[] {
  const { plan, counts: c } = r;
  const codes = Object.entries(r.failuresByCode)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  const out = [
    `${plan.dryRun ? 'Wrote' : 'Sent'} ${c.sent} message${c.sent === 1 ? '' : 's'} of "${plan.issue}" ${plan.dryRun ? 'as .eml files' : `via ${plan.transport}`} in ${formatSeconds(r.seconds)}${c.sent ? ` (${(c.sent / r.seconds).toFixed(0)} msg/s)` : ''}${r.workers > 1 ? `; ${r.workers} senders shared this run and sent ${c.sentByAll} in all` : ''}.`,
    `  ${plan.dryRun ? 'written:     ' : 'sent:        '} ${c.sent}`,
    `  already sent: ${c.alreadySent}`,
    `  failed:       ${c.failedPermanent} permanently, ${c.failedTemporary} temporarily${codes ? ` (${codes})` : ''}`,
    `  invalid:      ${c.invalid}`,
    `  duplicates:   ${c.duplicate}`,
    `  suppressed:   ${c.suppressed}`,
  ];
  if (c.pending > 0) out.push(`  not sent yet: ${c.pending}`);
  return out;
}

/** 0 all sent, 2 some addresses failed, 1 paused, stopped or refused (a fatal stop throws). */
export function reportExitCode(r: SendReport, pauseAfter: number, io: CommandIo): number {
  const cause = r.cause;
  if (r.stop === 'fatal') {
    throw new GazetteError(`the SMTP server refused the session: ${cause?.response ?? 'unknown error'}`, {
      code: smtpSessionCode(cause?.errorCode),
      hint: 'Check the SMTP URL (--smtp or SMTP_URL: user, password, port, TLS). Nothing more was sent; re-run the same command once it is fixed to resume.',
    });
  }
  if (r.stop === 'paused') {
    io.stderr.write(
      `\nPaused after ${pauseAfter} consecutive failures (last: ${cause?.smtpCode ?? cause?.errorCode}: ${cause?.response.slice(0, 160)}).\nThe server looks down or is refusing everyone; nothing was given up on. Re-run the same command to resume.\n`,
    );
    return 1;
  }
  if (r.stop === 'interrupted' || r.stop === 'declined') {
    io.stderr.write('Stopped. Re-run the same command to resume where it left off.\n');
    return 1;
  }
  const { failedPermanent, failedTemporary } = r.counts;
  if (r.waiting.retryCount > 0) io.stderr.write(describeWaiting(r.waiting));
  else if (failedTemporary > 0)
    io.stderr.write(
      `${failedTemporary} address${failedTemporary === 1 ? ' was' : 'es were'} deferred; re-run the same command later to retry them.\n`,
    );
  return failedPermanent + failedTemporary > 0 ? 2 : 0;
}

/** Who waits for a retry, and from when: the journal keeps the schedule for any later run. */
export function describeWaiting(w: Waiting): string {
  const lines = w.retries
    .slice(0, 10)
    .map((r) => `  ${r.email} (${r.code}) from ${new Date(r.notBefore).toISOString().replace(/\.\d+Z$/, 'Z')}`);
  const more = w.retryCount > lines.length ? `  ... and ${w.retryCount - lines.length} more\n` : '';
  return `${w.retryCount} address${w.retryCount === 1 ? ' is' : 'es are'} waiting for a retry (the rest of the list went on):\n${lines.join('\n')}\n${more}Re-run the same command after that time to retry them (any sender sharing the store picks them up).\n`;
}
