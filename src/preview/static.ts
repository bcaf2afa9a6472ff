import { realpath, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentType, decodeSegments, realPathInside } from '../server/paths.js';

export { contentType };

/**
 * The file under `dir` named by URL path segments (still percent-encoded), or undefined when the
 * segments are malformed, name a hidden file, climb out of `dir` (`..`, encoded slashes,
 * backslashes, NUL) or resolve through a symlink to somewhere outside it.
 */
export async function resolveInside(dir: string, encodedSegments: readonly string[]): Promise<string | undefined> {
  const parts = decodeSegments(encodedSegments);
  if (!parts?.length) return undefined;
  const base = await realpath(path.resolve(dir)).catch(() => undefined);
  if (!base) return undefined;
  const found = await realPathInside(base, path.join(base, ...parts));
  return found?.stats.isFile() ? found.file : undefined;
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
