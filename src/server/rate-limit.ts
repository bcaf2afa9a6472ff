// Fixed-window counters in memory, per process: enough to stop one client hammering one server
// (several servers behind a balancer each count their own). Bounded: the oldest keys go first
// when the map is full, so a flood of distinct keys costs memory only up to `maxKeys`.

export interface RateLimit {
  /** Counts one hit; false when `key` is over its limit in the current window. */
  hit(key: string, now?: number): boolean;
}

export function rateLimit(limit: number, windowMs: number, maxKeys = 50_000): RateLimit {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key, now = Date.now()) {
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        windows.delete(key);
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count <= limit;
    },
  };
}
