import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/root.js';

// `npm ci` warns EBADENGINE for every installed package whose `engines.node` excludes the running
// Node. Gazette declares Node >=20.19, so no package of the lockfile may exclude 20.19 (js-beautify
// 2.0.3 pulled nopt 10 and abbrev 5, which want Node 22.22: package.json `overrides` pins nopt 9).

interface Semver {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  minVersion(range: string): { version: string } | null;
  validRange(range: string): string | null;
}
const semver = createRequire(import.meta.url)('semver') as Semver;

interface LockEntry {
  version?: string;
  engines?: Record<string, string> | string[];
}

function lock(): { packages: Record<string, LockEntry> } {
  return JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8'));
}

/** Packages of the lockfile whose `engines.node` does not allow `version`. */
function excluding(version: string): string[] {
  return Object.entries(lock().packages)
    .filter(([where]) => where !== '')
    .flatMap(([where, entry]) => {
      // Some old packages write engines as an array of strings ("node >= 0.8"): npm ignores those.
      const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      if (!range) return [];
      if (!semver.validRange(range)) return [`${where}@${entry.version}: unreadable engines.node "${range}"`];
      return semver.satisfies(version, range) ? [] : [`${where}@${entry.version} wants node ${range}`];
    });
}

describe('package-lock.json and the Node versions Gazette supports', () => {
  const declared = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).engines.node as string;

  it('declares Node 20.19 as the oldest supported version', () => {
    expect(semver.minVersion(declared)?.version).toBe('20.19.0');
  });

  it('holds no package whose engines.node excludes the oldest supported Node', () => {
    expect(excluding(semver.minVersion(declared)!.version)).toEqual([]);
  });

  it('the check finds a package that wants a newer Node (abbrev 5 wanted 22.22)', () => {
    expect(semver.satisfies('20.19.0', '^22.22.2 || ^24.15.0 || >=26.0.0')).toBe(false);
    const nopt = lock().packages['node_modules/js-beautify/node_modules/nopt'];
    expect(nopt?.version).toMatch(/^9\./);
  });
});
