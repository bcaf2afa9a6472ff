/** A sleep on the global timers (so tests with fake timers drive it), cut short by an abort. */
export function sleep(ms: number, _value?: unknown, o: { signal?: AbortSignal } = {}): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    o.signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
