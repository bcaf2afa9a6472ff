import { afterEach } from 'vitest';
import { copySample } from './root.js';

/** A fresh copy of the sample per call, removed after each test. */
export function useSample(): () => Promise<string> {
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.map((c) => c()));
    cleanups = [];
  });
  return async () => {
    const s = await copySample();
    cleanups.push(s.cleanup);
    return s.root;
  };
}
