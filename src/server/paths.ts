import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

// Shared by the preview's asset route and `gazette serve`: one definition of which URL paths
// may name a file, so neither server can be walked out of its folder.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.xml': 'application/atom+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Decodes percent-encoded URL path segments; undefined when any is malformed or could climb out
 * or hide: dot-files and `..`, encoded slashes or backslashes, NUL.
 */
export function decodeSegments(encoded: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const seg of encoded) {
    let s: string;
    try {
      s = decodeURIComponent(seg);
    } catch {
      return undefined;
    }
    if (!s || s.startsWith('.') || /[/\\\0]/.test(s)) return undefined;
    out.push(s);
  }
  return out;
}

/**
 * `candidate` (an absolute path built under `realBase`, itself already a real path) with its
 * symlinks resolved, when it exists and both before and after resolving is `realBase` itself or
 * inside it; undefined otherwise (missing, unreadable, or a link that leads out). The one check
 * behind every file either server sends.
 */
export async function realPathInside(
  realBase: string,
  candidate: string,
): Promise<{ file: string; stats: Stats } | undefined> {
  const within = (p: string) => p === realBase || isInside(realBase, p);
  if (!within(candidate)) return undefined;
  try {
    const file = await realpath(candidate);
    if (!within(file)) return undefined;
    return { file, stats: await stat(file) };
  } catch {
    return undefined;
  }
}

/** True when `file` is strictly inside `base` (both absolute, already resolved). */
export function isInside(base: string, file: string): boolean {
  const rel = path.relative(base, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
