import { setTimeout as sleep } from 'node:timers/promises';
import type { Journal } from '../store/journal.js';
import type { Limiter } from './rate.js';

/**
 * A rate limit shared by every worker on one relay, kept in the store: each worker reserves a
 * few start slots at a time from one schedule (`send_rate`), so starts across all workers are
 * spaced at least 1/rate apart whatever the number of workers. The spacing carries a margin so
 * that the relay's one-second windows stay under the rate even when replies bunch up. A 421 or
 * 454 from the relay (it is overloaded; 429 for HTTP-like gateways) pauses the schedule for
 * every worker.
 */
export class SharedRateLimiter implements Limiter {
  private readonly interval: number;
  private readonly batch: number;
  private slots: number[] = [];

  constructor(
    private readonly journal: Journal,
    private readonly relay: string,
    perSecond: number,
    private readonly backoffMs = 2000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.interval = (1000 / perSecond) * 1.3;
    // About a quarter second of slots per round trip to the store.
    this.batch = Math.max(1, Math.min(50, Math.floor(250 / this.interval)));
  }

  async take(signal?: AbortSignal): Promise<(answer?: { ok: boolean; smtpCode?: number }) => void> {
    for (;;) {
      if (signal?.aborted) return () => {};
      const now = Date.now();
      // Slots that already passed are lost (reserving them again would burst).
      while (this.slots.length && this.slots[0]! < now - this.interval) this.slots.shift();
      if (this.slots.length === 0) {
        try {
          const first = await this.journal.reserveSlots(this.relay, this.batch, this.interval);
          this.slots = Array.from({ length: this.batch }, (_, i) => first + i * this.interval);
        } catch (err) {
          this.onError(err);
          await sleep(500, undefined, { signal }).catch(() => undefined);
        }
        continue;
      }
      const at = this.slots[0]!;
      if (at > now) {
        await sleep(Math.min(at - now, 1000), undefined, { signal }).catch(() => undefined);
        continue;
      }
      this.slots.shift();
      return (answer) => {
        const code = answer?.smtpCode;
        if (code === 421 || code === 454 || code === 429) {
          this.slots = [];
          this.journal.pauseRelay(this.relay, Date.now() + this.backoffMs).catch(this.onError);
        }
      };
    }
  }
}
