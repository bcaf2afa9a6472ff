import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { contentType, decodeSegments, isInside } from './paths.js';
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
  let root: string;
  try {
    root = await realpath(dist);
  } catch {
    return undefined;
  }
  const inside = (p: string) => p === root || isInside(root, p);
  let file = path.join(root, ...segments);
  if (!inside(file)) return undefined;
  try {
    file = await realpath(file);
    if (!inside(file)) return undefined;
    let st = await stat(file);
    if (st.isDirectory()) {
      if (!trailingSlash)
        return { kind: 'redirect', location: `${encodeURIComponent(segments[segments.length - 1]!)}/` };
      file = await realpath(path.join(file, 'index.html'));
      if (!inside(file)) return undefined;
      st = await stat(file);
    }
    if (!st.isFile()) return undefined;
    return { kind: 'file', file, size: st.size, mtime: st.mtime };
  } catch {
    return undefined;
  }
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
