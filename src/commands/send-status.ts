import { formatSeconds } from '../send/progress.js';
import { openStore } from '../store/open.js';
import type { CommandIo } from './io.js';

// `gazette send --status --issue SLUG`: the issue's newest run as the shared store sees it,
// across every sender: sent, pending, in flight per worker, failures by code, an ETA.

export async function printStatus(o: { root: string; issue: string; url?: string }, io: CommandIo): Promise<number> {
  const store = await openStore({ root: o.root, url: o.url });
  try {
    const { journal } = store;
    const load = await journal.latestLoad(o.issue);
    if (!load) {
      io.stdout.write(`No send of "${o.issue}" has started yet (${store.description}).\n`);
      return 0;
    }
    const c = await journal.counts(o.issue, load.loadId);
    const codes = await journal.failuresByCode(o.issue, load.loadId);
    const waiting = await journal.waiting(o.issue, load.loadId, '', 1);
    const now = Date.now();
    const alive = load.workers.filter((w) => w.alive);
    const left = c.pending + c.sending + waiting.retryCount;
    // Over this run's senders: messages they sent, over the time since the run started.
    const sentHere = load.workers.reduce((n, w) => n + w.sent, 0);
    const secs = (now - load.startedAt) / 1000;
    const rate = secs > 0 ? sentHere / secs : 0;
    const lines = [
      `"${o.issue}", run ${load.loadId} started ${new Date(load.startedAt).toISOString()} (${store.description})`,
      `  sent:        ${c.sent}`,
      `  pending:     ${c.pending}`,
      `  in flight:   ${c.sending}`,
      `  failed:      ${c.failedPermanent} permanently, ${c.failedTemporary} temporarily${
        Object.keys(codes).length
          ? ` (${Object.entries(codes)
              .map(([k, n]) => `${k}: ${n}`)
              .join(', ')})`
          : ''
      }`,
      `  suppressed:  ${c.suppressed}`,
      `  invalid:     ${c.invalid}`,
    ];
    if (waiting.retryCount)
      lines.push(
        `  retries:     ${waiting.retryCount} waiting, the first from ${new Date(waiting.retries[0]!.notBefore).toISOString()}`,
      );
    lines.push(`  senders:     ${alive.length} running, ${load.workers.length - alive.length} finished or gone`);
    for (const w of load.workers)
      lines.push(
        `    ${w.owner}  ${w.alive ? 'running' : w.done ? 'finished' : 'gone (lease expired)'}  sent ${w.sent}, failed ${w.failed}${w.alive ? `, in flight ${w.inFlight}` : ''}`,
      );
    if (alive.length && left > 0)
      lines.push(`  ETA:         ${rate > 0 ? formatSeconds(left / rate) : 'unknown'} (${rate.toFixed(0)} msg/s)`);
    else if (left === 0) lines.push('  done:        nothing left to send');
    else lines.push(`  stopped:     ${left} left; run \`gazette send\` again to resume`);
    io.stdout.write(lines.join('\n') + '\n');
    return 0;
  } finally {
    await store.close();
  }
}
