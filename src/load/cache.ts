import type { Article } from '../types.js';
import type { TextFile } from './read.js';

/**
 * Parsed and validated files keyed by the file object readTextFile returns (the same object while
 * the file is unchanged): an unchanged file is never parsed twice in a process, which is what
 * makes the preview's rebuild on every save cheap. gray-matter caches the same way.
 */
const parseCache = new Map<string, WeakMap<TextFile, unknown>>();
export function parseCached<T>(kind: string, f: TextFile, parse: () => T): T {
  let byFile = parseCache.get(kind);
  if (!byFile) parseCache.set(kind, (byFile = new WeakMap()));
  if (byFile.has(f)) return byFile.get(f) as T;
  const value = parse();
  byFile.set(f, value);
  return value;
}

/** The same Article object for the same file and publication language, so compose can cache by identity. */
export const articleObjects = new WeakMap<TextFile, { language: string | undefined; article: Article }>();
