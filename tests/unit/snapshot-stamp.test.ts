import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentStamp, freshBlob } from '../../src/snapshot/stamp.js';

// The stamp of a startup snapshot (src/snapshot/stamp.ts) on a checkout of its own: a package the
// blob holds that changed under it makes it stale, whichever tool changed it.

let repo: string;
afterEach(() => rmSync(repo, { recursive: true, force: true }));

/** A checkout with lib/, two packages in node_modules and a blob built from them in lib/snapshot/. */
function checkout(): { lib: string; dir: string; packages: string[] } {
  repo = mkdtempSync(path.join(os.tmpdir(), 'gazette-stamp-'));
  const lib = path.join(repo, 'lib');
  const dir = path.join(lib, 'snapshot');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(lib, 'cli.js'), 'export {};\n');
  const packages = ['node_modules/mjml/package.json', 'node_modules/mjml/node_modules/@scope/x/package.json'];
  for (const p of packages) {
    mkdirSync(path.dirname(path.join(repo, p)), { recursive: true });
    writeFileSync(path.join(repo, p), '{"version":"1.0.0"}\n');
  }
  writeFileSync(path.join(dir, 'gazette.blob'), 'blob');
  writeFileSync(path.join(dir, 'stamp.json'), JSON.stringify(currentStamp(lib, dir, 4, packages)));
  return { lib, dir, packages };
}

describe('the startup snapshot stamp', () => {
  it('is fresh for the checkout it was made in', () => {
    const { lib, dir } = checkout();
    expect(freshBlob(lib, dir)).toBe(path.join(dir, 'gazette.blob'));
  });

  it('is stale once a package it holds changed without npm (pnpm, yarn, no node_modules/.package-lock.json)', () => {
    const { lib, dir, packages } = checkout();
    const pkg = path.join(repo, packages[1]!);
    writeFileSync(pkg, '{"version":"1.0.1"}\n');
    const old = new Date(Date.now() - 86_400_000);
    utimesSync(pkg, old, old);
    expect(freshBlob(lib, dir)).toBeUndefined();
  });

  it('is stale once a package it holds is gone', () => {
    const { lib, dir, packages } = checkout();
    rmSync(path.join(repo, packages[0]!));
    expect(freshBlob(lib, dir)).toBeUndefined();
  });
});
