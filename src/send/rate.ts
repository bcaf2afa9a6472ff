import { setTimeout as sleep } from 'node:timers/promises';

/**
 * At most `perSecond` message starts in any one-second window, evenly spaced (no burst at the
 * start of a window, unlike a fixed-window counter such as nodemailer's `rateLimit`). A small
 * guard keeps the window true at the receiving end too, where network jitter shifts arrivals.
 */
export class RateLimiter {
  private readonly interval: number;
  private readonly window: number[] = [];
  private readonly size: number;
  private last = -Infinity;

  constructor(perSecond: number, private readonly guardMs = 20) {
    this.interval = 1000 / perSecond;
    this.size = Math.max(1, Math.floor(perSecond));
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = performance.now();
      const oldest = this.window.length === this.size ? this.window[0]! : -Infinity;
      const at = Math.max(this.last + this.interval, oldest + 1000 + this.guardMs);
      if (at <= now) break;
      await sleep(at - now, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) return;
    }
    const t = performance.now();
    this.last = t;
    this.window.push(t);
    if (this.window.length > this.size) this.window.shift();
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoff(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const d = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(d / 2 + random() * (d / 2));
}
