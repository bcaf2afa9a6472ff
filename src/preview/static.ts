import { realpath, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentType, decodeSegments, isInside } from '../server/paths.js';

export { contentType };

/**
 * The file under `dir` named by URL path segments (still percent-encoded), or undefined when the
 * segments are malformed, name a hidden file, climb out of `dir` (`..`, encoded slashes,
 * backslashes, NUL) or resolve through a symlink to somewhere outside it.
 */
export async function resolveInside(dir: string, encodedSegments: readonly string[]): Promise<string | undefined> {
  const parts = decodeSegments(encodedSegments);
  if (!parts?.length) return undefined;
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

export async function readInside(
  dir: string,
  encodedSegments: readonly string[],
): Promise<{ file: string; body: Buffer; size: number; mtimeMs: number } | undefined> {
  const file = await resolveInside(dir, encodedSegments);
  if (!file) return undefined;
  try {
    const [body, st] = await Promise.all([readFile(file), stat(file)]);
    return { file, body, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}
