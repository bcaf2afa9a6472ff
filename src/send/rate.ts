import { setTimeout as sleep } from 'node:timers/promises';

/** A start slot: call the returned function with the server's answer when it comes. */
export interface Limiter {
  take(signal?: AbortSignal): Promise<(answer?: { ok: boolean; smtpCode?: number }) => void>;
}

/**
 * At most `perSecond` deliveries in any one-second window, as the server counts them. A message
 * reaches the server somewhere between its start and its reply, so a new one may start only
 * while (messages in flight + messages answered in the last second) < perSecond: whatever the
 * latency, no window can then hold more. Starts are also spaced evenly (no burst at the start of
 * a window, unlike a fixed-window counter such as nodemailer's `rateLimit`).
 */
export class RateLimiter implements Limiter {
  private readonly interval: number;
  private readonly limit: number;
  private readonly answered: number[] = [];
  private inFlight = 0;
  private last = -Infinity;

  constructor(perSecond: number) {
    this.interval = 1000 / perSecond;
    this.limit = Math.max(1, Math.floor(perSecond));
  }

  /** Waits for a slot; call the returned function when the server has answered. */
  async take(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      const now = performance.now();
      while (this.answered.length > 0 && this.answered[0]! <= now - 1000) this.answered.shift();
      const spaced = this.last + this.interval;
      if (this.inFlight + this.answered.length < this.limit && spaced <= now) break;
      const wait =
        this.inFlight + this.answered.length >= this.limit
          ? this.answered.length
            ? this.answered[0]! + 1000 - now
            : 10
          : spaced - now;
      await sleep(Math.max(1, Math.min(wait, 50)), undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) return () => {};
    }
    this.last = performance.now();
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.answered.push(performance.now());
    };
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoff(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const d = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(d / 2 + random() * (d / 2));
}
