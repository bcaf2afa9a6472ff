import type { BuildCache } from '../cache/build-cache.js';
import type { TextFile } from './read.js';

/**
 * A file parsed and validated once per content hash: the cache hands out the same TextFile while
 * the file's bytes are unchanged, so an unchanged file is never parsed twice by a preview session.
 * Without a cache (a one-off call), parses every time.
 */
export function parseCached<T>(cache: BuildCache | undefined, kind: string, f: TextFile, parse: () => T): T {
  return cache ? cache.derive(kind, f, '', parse) : parse();
}
