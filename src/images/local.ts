import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../types.js';

// Images written as `assets/<file>` (also `/assets/<file>`, `./assets/<file>`) are files of
// content/assets/, published at <publication.url>/assets/<file>. Any other relative image is a
// page's neighbour on the web (a post's own folder, a site path) that Gazette cannot see.

/** The path of a local image relative to content/ (`assets/map.png`), or undefined. */
export function localAssetPath(src: string): string | undefined {
  const s = src.trim();
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(s)) return undefined; // a URL (https:, data:, //host)
  const rel = s.replace(/^\.?\//, '').split(/[?#]/)[0]!;
  if (!rel.startsWith('assets/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURI(rel);
  } catch {
    return undefined;
  }
  // Never a path that climbs out of content/.
  if (decoded.split('/').some((seg) => seg === '..' || seg === '' || /[\\\0]/.test(seg))) return undefined;
  return decoded;
}

/** An `image/missing-file` error when `src` names a file of content/assets/ that does not exist. */
export function missingImage(
  src: string,
  root: string,
  at: { file: string; line?: number; column?: number; field?: string },
): Diagnostic | undefined {
  const rel = localAssetPath(src);
  if (!rel || existsSync(path.join(root, 'content', ...rel.split('/')))) return undefined;
  return {
    code: 'image/missing-file',
    severity: 'error',
    message: `image ${src.trim()} names content/${rel}, which does not exist`,
    hint: `Add the file to content/${path.posix.dirname(rel)}/, or fix the path (file names are case-sensitive).`,
    ...at,
  };
}
