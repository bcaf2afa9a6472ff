import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/** What one output file holds: its bytes, or the path of a real file to publish as it is. */
export type Wanted = Uint8Array | { from: string };

/**
 * Makes folder `dir` hold exactly `files` (relative `/`-separated paths), touching only what
 * differs. `dir` is a folder that is not live yet (write.ts swaps it in whole): a fresh one, or
 * the output of an earlier build kept for the purpose (the spare), where an unchanged archive
 * costs a comparison per file instead of a new file and folder each (creating inodes is what a
 * rebuild of a 200-issue archive spent its time on). A file absent or different in `dir` but
 * equal to `previous`'s copy (the live output) is hard-linked to it: no bytes written, and the
 * mtime unchanged (rsync and static hosts skip it). A file is never written into in place (it may
 * be a link shared with the live output): a changed file is unlinked and made anew.
 */
export function syncTree(dir: string, files: Map<string, Wanted>, previous?: string): void {
  const have = listFolder(dir);
  const needed = new Set<string>();
  for (const rel of files.keys()) markParents(rel, needed);
  // What this output does not have goes first, files then folders (deepest first), before
  // anything is written: on a disk that ignores case (macOS, Windows) `Logo.png` and `logo.png`
  // are one entry, and removing the old name afterwards would remove the new file.
  for (const rel of have.files)
    if (!files.has(rel)) {
      unlinkSync(path.join(dir, ...rel.split('/')));
      have.files.delete(rel);
    }
  for (const rel of [...have.dirs].sort((a, b) => b.length - a.length))
    if (!needed.has(rel)) {
      rmSync(path.join(dir, ...rel.split('/')), { recursive: true, force: true });
      have.dirs.delete(rel);
    }
  for (const [rel, want] of files) {
    const dest = path.join(dir, ...rel.split('/'));
    const bytes = want instanceof Uint8Array ? want : readFileSync(want.from);
    if (have.files.has(rel) && sameBytes(dest, bytes)) continue;
    if (have.files.delete(rel)) unlinkSync(dest);
    ensureParents(dir, rel, have);
    if (!(previous && linkIfSame(path.join(previous, ...rel.split('/')), dest, bytes))) writeFileSync(dest, bytes);
  }
}

/** Every file and folder under `dir`, relative; anything else (a link) is removed on sight. */
function listFolder(dir: string): { files: Set<string>; dirs: Set<string> } {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const walk = (abs: string, rel: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      const p = path.join(abs, e.name);
      if (e.isDirectory()) {
        dirs.add(name);
        walk(p, name);
      } else if (e.isFile()) files.add(name);
      else rmSync(p, { force: true });
    }
  };
  walk(dir, '');
  return { files, dirs };
}

function markParents(rel: string, needed: Set<string>): void {
  for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
    const parent = rel.slice(0, i);
    if (needed.has(parent)) return;
    needed.add(parent);
  }
}

/** The folders above `rel`, made where missing (the unwanted ones, files too, are gone by now). */
function ensureParents(dir: string, rel: string, have: { files: Set<string>; dirs: Set<string> }) {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    if (have.dirs.has(parent)) continue;
    mkdirSync(path.join(dir, ...parts.slice(0, i)), { recursive: true });
    have.dirs.add(parent);
  }
}

function sameBytes(file: string, bytes: Uint8Array): boolean {
  try {
    const st = statSync(file);
    return (
      st.size === bytes.byteLength &&
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(readFileSync(file))
    );
  } catch {
    return false;
  }
}

function linkIfSame(old: string, dest: string, bytes: Uint8Array): boolean {
  try {
    if (!lstatSync(old).isFile() || !sameBytes(old, bytes)) return false;
    linkSync(old, dest);
    return true;
  } catch {
    // No hard links on this filesystem, or the old file vanished: it is written instead.
    return false;
  }
}
