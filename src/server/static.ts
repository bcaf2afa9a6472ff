import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { contentType, decodeSegments, realPathInside } from './paths.js';
import { baseHeaders, STATIC_CSP } from './http.js';

export type StaticTarget =
  | { kind: 'file'; file: string; size: number; mtime: Date }
  | { kind: 'redirect'; location: string };

/**
 * Maps a URL path (percent-encoded, base path already removed) to a file inside `dist`:
 * `/` -> index.html, `/issues/<slug>/` -> issues/<slug>/index.html (the web version at its public
 * address; never a draft's <slug>/web.html),
 * anything else as is, folders to their index.html. Undefined (404) for anything that is not a
 * plain file strictly inside dist/ once decoded and with symlinks resolved: `..`, encoded
 * slashes or backslashes, NUL, dot-files, and links pointing outside.
 */
export async function resolveStatic(dist: string, pathname: string): Promise<StaticTarget | undefined> {
  const raw = pathname.split('/').slice(1);
  const trailingSlash = raw.length === 0 || raw[raw.length - 1] === '';
  const segments = decodeSegments(raw.filter((r) => r !== ''));
  if (!segments) return undefined;
  if (segments[0] === 'issues' && segments.length === 2) {
    if (!trailingSlash) return { kind: 'redirect', location: `${encodeURIComponent(segments[1]!)}/` };
    // dist/issues/<slug>/index.html, the web version at its public address, and nothing else: a
    // build writes it for published issues only, while <slug>/web.html exists for drafts too.
  }
  const root = await realpath(dist).catch(() => undefined);
  if (!root) return undefined;
  let found = await realPathInside(root, path.join(root, ...segments));
  if (found?.stats.isDirectory()) {
    if (!trailingSlash) return { kind: 'redirect', location: `${encodeURIComponent(segments[segments.length - 1]!)}/` };
    found = await realPathInside(root, path.join(found.file, 'index.html'));
  }
  if (!found?.stats.isFile()) return undefined;
  return { kind: 'file', file: found.file, size: found.stats.size, mtime: found.stats.mtime };
}

export function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  target: Extract<StaticTarget, { kind: 'file' }>,
): void {
  const modified = new Date(Math.floor(target.mtime.getTime() / 1000) * 1000);
  const headers = {
    ...baseHeaders(),
    'Content-Security-Policy': STATIC_CSP,
    'Content-Type': contentType(target.file),
    'Cache-Control': 'public, max-age=300',
    'Last-Modified': modified.toUTCString(),
  };
  const since = Date.parse(String(req.headers['if-modified-since'] ?? ''));
  if (!Number.isNaN(since) && modified.getTime() <= since) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(target.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(target.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
