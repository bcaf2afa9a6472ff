import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// What a startup snapshot was built from (see docs/performance.md, "Startup snapshot"). The blob
// holds lib/ and node_modules as they were when it was built: any change to either, another Node
// binary or a moved checkout makes it stale, and the launcher then runs lib/ as usual.

export interface SnapshotStamp {
  node: string;
  execPath: string;
  /** Where the bundle was (its absolute path is baked into the blob). */
  dir: string;
  /** The compiled code it was bundled from (libSignature). */
  lib: string;
  modules: string;
  /** The size and mtime of the package.json of every package bundled (packagesSignature). */
  packages: string;
  blobBytes: number;
}

/** stamp.json: the stamp, and the package.json files (relative to the checkout) `packages` signs. */
type StoredStamp = SnapshotStamp & { packageFiles?: string[] };

/** lib/ as tsc (or the tests' esbuild) left it: its .js files' count, total size and newest mtime. */
export function libSignature(lib: string): string {
  let count = 0;
  let bytes = 0;
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        const st = statSync(p);
        count++;
        bytes += st.size;
        newest = Math.max(newest, st.mtimeMs);
      }
    }
  };
  walk(lib);
  return `${count} ${bytes} ${newest}`;
}

/** node_modules as npm left it (npm rewrites its .package-lock.json on every install). */
export function modulesSignature(repo: string): string {
  try {
    const st = statSync(path.join(repo, 'node_modules', '.package-lock.json'));
    return `${st.size} ${st.mtimeMs}`;
  } catch {
    return 'none';
  }
}

/**
 * The packages the blob holds, as they are now: npm rewrites .package-lock.json, but pnpm, yarn
 * and hand-run installs do not, and a package replaced under a blob would keep running its old
 * code (with the new version in the build cache's keys). Installers rewrite a package's
 * package.json; a file edited by hand inside a package is not seen.
 */
export function packagesSignature(repo: string, files: string[]): string {
  return files
    .map((f) => {
      try {
        const st = statSync(path.join(repo, f));
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join(' ');
}

/**
 * The stamp of a blob of `blobBytes` in `dir`, built from the compiled code in `lib` and the
 * packages whose package.json files (relative to the checkout) are `packageFiles`.
 */
export function currentStamp(lib: string, dir: string, blobBytes: number, packageFiles: string[]): StoredStamp {
  const repo = path.resolve(lib, '..');
  return {
    node: process.version,
    execPath: process.execPath,
    dir,
    lib: libSignature(lib),
    modules: modulesSignature(repo),
    packages: packagesSignature(repo, packageFiles),
    blobBytes,
    packageFiles,
  };
}

/** The blob in `dir`, when its stamp matches `lib` and everything else here now; else undefined. */
export function freshBlob(lib: string, dir: string): string | undefined {
  const blob = path.join(dir, 'gazette.blob');
  try {
    const stored = JSON.parse(readFileSync(path.join(dir, 'stamp.json'), 'utf8')) as StoredStamp;
    if (!Array.isArray(stored.packageFiles)) return undefined;
    const { packageFiles: _files, ...now } = currentStamp(lib, dir, statSync(blob).size, stored.packageFiles);
    const same = (Object.keys(now) as (keyof SnapshotStamp)[]).every((k) => stored[k] === now[k]);
    return same ? blob : undefined;
  } catch {
    return undefined;
  }
}
