import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside } from '../../../src/preview/static.js';
import { realPathInside } from '../../../src/server/paths.js';
import { resolveStatic } from '../../../src/server/static.js';

// The preview's asset route and `gazette serve` each resolved symlinks and checked "inside" with
// their own code (one resolved the folder first, the other the file first). One check now
// (realPathInside); the two differ only in what a URL maps to (serve: folders to index.html).
let tmp: string;
let site: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gazette-static-'));
  site = path.join(tmp, 'site');
  await mkdir(path.join(site, 'docs'), { recursive: true });
  await writeFile(path.join(site, 'a.txt'), 'a');
  await writeFile(path.join(site, 'docs', 'index.html'), '<p>docs');
  await writeFile(path.join(tmp, 'secret.txt'), 'secret');
  await mkdir(path.join(tmp, 'outside'));
  await writeFile(path.join(tmp, 'outside', 'index.html'), 'outside');
  await symlink(path.join(tmp, 'secret.txt'), path.join(site, 'leak.txt'));
  await symlink(path.join(tmp, 'outside'), path.join(site, 'out'));
  await symlink(path.join(site, 'a.txt'), path.join(site, 'alias.txt'));
  // The served folder itself reached through a link: fine, its real path is the base.
  await symlink(site, path.join(tmp, 'site-link'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('realPathInside: the one "is this file inside" check', () => {
  it('follows links that stay inside and refuses links that lead out', async () => {
    expect((await realPathInside(site, path.join(site, 'alias.txt')))?.file).toBe(path.join(site, 'a.txt'));
    expect(await realPathInside(site, path.join(site, 'leak.txt'))).toBeUndefined();
    expect(await realPathInside(site, path.join(site, 'out', 'index.html'))).toBeUndefined();
    expect(await realPathInside(site, path.join(tmp, 'secret.txt'))).toBeUndefined();
    expect(await realPathInside(site, path.join(site, 'missing'))).toBeUndefined();
  });

  it('the preview and serve agree on every link, through a linked served folder too', async () => {
    for (const base of [site, path.join(tmp, 'site-link')]) {
      expect(await resolveInside(base, ['alias.txt'])).toBe(path.join(site, 'a.txt'));
      expect(await resolveStatic(base, '/alias.txt')).toMatchObject({ kind: 'file', file: path.join(site, 'a.txt') });
      for (const leak of ['leak.txt', 'out']) {
        expect(await resolveInside(base, [leak, ...(leak === 'out' ? ['index.html'] : [])])).toBeUndefined();
        expect(await resolveStatic(base, `/${leak}${leak === 'out' ? '/' : ''}`)).toBeUndefined();
      }
    }
  });

  it('serve maps folders to index.html; the preview serves files only', async () => {
    expect(await resolveStatic(site, '/docs/')).toMatchObject({
      kind: 'file',
      file: path.join(site, 'docs/index.html'),
    });
    expect(await resolveStatic(site, '/docs')).toEqual({ kind: 'redirect', location: 'docs/' });
    expect(await resolveInside(site, ['docs'])).toBeUndefined();
    expect(await resolveInside(site, [])).toBeUndefined();
  });
});
