import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../types.js';

// Symlinks in the folders Gazette publishes from (content/assets, dist/) are never followed out
// of the root: a link to ~/.env or /etc/passwd copied into dist/assets would be uploaded by any
// static deploy (`cp -rL`, rsync -L, most hosts follow links). A link to a file inside the same
// top folder (content/assets/ for an asset: never ../../.env) is copied as that file, a real file
// and never a link; anything else is refused with a finding.

function inside(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return path.resolve(root);
  }
}

/**
 * Findings for every symlink under `dir` (names relative to `root`); a link may only point inside
 * the folder of `dir` it sits in (content/assets/x -> content/assets/...).
 */
export function linkFindings(root: string, dir: string): Diagnostic[] {
  const top = realRoot(dir);
  const out: Diagnostic[] = [];
  const walk = (abs: string, base: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(abs, e.name);
      const file = path.relative(root, p).split(path.sep).join('/');
      if (e.isDirectory()) walk(p, abs === dir ? realRoot(p) : base);
      if (!e.isSymbolicLink()) continue;
      let target: string | undefined;
      try {
        target = realpathSync(p);
      } catch {
        target = undefined;
      }
      const isFile = target !== undefined && lstatSync(target).isFile();
      if (target && isFile && inside(base, target)) {
        out.push({
          code: 'content/symlink',
          severity: 'warning',
          message: `${file} is a symbolic link; Gazette reads it as a copy of the file it points to`,
          file,
          hint: 'Replace the link by the file itself to silence this.',
        });
      } else {
        out.push({
          code: 'content/symlink-outside',
          severity: 'error',
          message: target
            ? `${file} is a symbolic link to ${isFile ? `a file outside ${path.relative(realRoot(root), base) || 'the root'}/` : 'a folder'}; it is not read nor published`
            : `${file} is a broken symbolic link`,
          file,
          hint: 'Copy the file into content/assets/ instead of linking to it; Gazette never follows links out of the root.',
        });
      }
    }
  };
  walk(dir, top);
  return out;
}

/** One file of a tree to publish: where it goes (relative, `/`-separated) and the real file it is. */
export interface TreeFile {
  rel: string;
  from: string;
}

/**
 * The files of `src` to publish as real files: links to files inside `src` stand for their
 * target, every other link (outside, to a folder, broken) is left out, and so is what `keep`
 * refuses (paths relative to `src`).
 */
export async function listTreeSafely(
  src: string,
  keep: (rel: string) => boolean = () => true,
  base = realRoot(src),
  rel = '',
): Promise<TreeFile[]> {
  const found: TreeFile[] = [];
  for (const e of await readdir(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const name = rel ? `${rel}/${e.name}` : e.name;
    if (!keep(name)) continue;
    if (e.isDirectory()) found.push(...(await listTreeSafely(from, keep, base, name)));
    else if (e.isFile()) found.push({ rel: name, from });
    else if (e.isSymbolicLink()) {
      const target = await realpath(from).catch(() => undefined);
      if (target && inside(base, target) && (await stat(target)).isFile() && !(await lstat(target)).isSymbolicLink())
        found.push({ rel: name, from: target });
    }
  }
  return found;
}
