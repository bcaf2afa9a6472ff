import { realpath, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `dir` named by URL path segments (still percent-encoded), or undefined when the
 * segments are malformed, name a hidden file, climb out of `dir` (`..`, encoded slashes,
 * backslashes, NUL) or resolve through a symlink to somewhere outside it.
 */
export async function resolveInside(dir: string, encodedSegments: readonly string[]): Promise<string | undefined> {
  const parts: string[] = [];
  for (const seg of encodedSegments) {
    let s: string;
    try {
      s = decodeURIComponent(seg);
    } catch {
      return undefined;
    }
    if (!s || s.startsWith('.') || /[/\\\0]/.test(s)) return undefined;
    parts.push(s);
  }
  if (!parts.length) return undefined;
  const base = path.resolve(dir);
  const file = path.resolve(base, ...parts);
  if (!isInside(base, file)) return undefined;
  try {
    const [realBase, realFile] = await Promise.all([realpath(base), realpath(file)]);
    if (!isInside(realBase, realFile)) return undefined;
    if (!(await stat(realFile)).isFile()) return undefined;
    return realFile;
  } catch {
    return undefined;
  }
}

export async function readInside(dir: string, encodedSegments: readonly string[]): Promise<{ file: string; body: Buffer; size: number; mtimeMs: number } | undefined> {
  const file = await resolveInside(dir, encodedSegments);
  if (!file) return undefined;
  try {
    const [body, st] = await Promise.all([readFile(file), stat(file)]);
    return { file, body, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

function isInside(base: string, file: string): boolean {
  const rel = path.relative(base, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
