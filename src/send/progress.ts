import type { SendProgress } from './run.js';

/**
 * Progress on stderr: a bar redrawn in place on a TTY, a plain line every few seconds otherwise
 * (CI logs, cron mail). Rate and ETA are over the whole run so far.
 */
export function progressReporter(
  total: number,
  stream: { write(chunk: string): unknown; isTTY?: boolean } = process.stderr,
): { update(p: SendProgress): void; done(): void } {
  const tty = stream.isTTY === true;
  const started = performance.now();
  let last: SendProgress = { sent: 0, failed: 0, suppressed: 0, retrying: 0, inFlight: 0 };
  let drawnAt = 0;
  const line = (): string => {
    const done = last.sent + last.failed + last.suppressed;
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? last.sent / secs : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : undefined;
    const stats = `${last.sent}/${total} sent, ${last.failed} failed${last.retrying ? `, ${last.retrying} retrying` : ''}${last.suppressed ? `, ${last.suppressed} suppressed` : ''}, ${rate.toFixed(0)} msg/s${eta !== undefined ? `, ETA ${formatSeconds(eta)}` : ''}`;
    if (!tty) return stats;
    const width = 24;
    const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stats}`;
  };
  return {
    update(p) {
      last = { ...p };
      const now = performance.now();
      if (now - drawnAt < (tty ? 100 : 5000)) return;
      drawnAt = now;
      stream.write(tty ? `\r\x1b[2K${line()}` : `${line()}\n`);
    },
    done() {
      if (tty) stream.write(`\r\x1b[2K${line()}\n`);
    },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
