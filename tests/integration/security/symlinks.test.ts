import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIssue } from '../../../src/pipeline/build.js';
import { writeBuild } from '../../../src/output/write.js';
import { article, issue, makeRoot } from '../../helpers/root.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rootWithLinks() {
  const r = await makeRoot({ articles: { a: article() }, issues: { one: issue(['a']) } });
  cleanups.push(r.cleanup);
  const assets = path.join(r.root, 'content', 'assets');
  await mkdir(assets, { recursive: true });
  await writeFile(path.join(r.root, '.env'), 'GAZETTE_SECRET=do-not-publish-0123456789abcdef\n');
  await writeFile(path.join(assets, 'logo.png'), 'PNG');
  await symlink(path.join(r.root, '.env'), path.join(assets, 'env.txt'));
  await symlink('../../.env', path.join(assets, 'relative-env.txt'));
  await symlink('/etc/passwd', path.join(assets, 'passwd.txt'));
  await symlink('/', path.join(assets, 'everything'));
  await symlink('logo.png', path.join(assets, 'same-logo.png'));
  return r;
}

describe('attack: symlinks out of content/ published into dist/ (issue 12)', () => {
  it('refuses links out of content/assets with a finding naming each', async () => {
    const r = await rootWithLinks();
    const result = await buildIssue({ root: r.root });
    expect(result.ok).toBe(false);
    const found = result.diagnostics.filter((d) => d.code.startsWith('content/symlink'));
    expect(found.map((d) => [d.file, d.severity]).sort()).toEqual([
      ['content/assets/env.txt', 'error'],
      ['content/assets/everything', 'error'],
      ['content/assets/passwd.txt', 'error'],
      ['content/assets/relative-env.txt', 'error'],
      ['content/assets/same-logo.png', 'warning'],
    ]);
    expect(found[0]!.hint).toMatch(/never follows links/);
  });

  it('copies only real files, even when the writer is called directly (the library path)', async () => {
    const r = await rootWithLinks();
    const dist = path.join(r.root, 'dist');
    // A link planted in a carried-over folder of a previous dist/ is not carried over either.
    await mkdir(path.join(dist, 'screenshots'), { recursive: true });
    await symlink('/etc/passwd', path.join(dist, 'screenshots', 'leak.png'));
    await writeFile(path.join(dist, 'screenshots', 'ok.png'), 'PNG');
    const ok = await buildIssue({ root: r.root });
    await writeBuild({ ...ok, ok: true }, dist, { assetsDir: path.join(r.root, 'content', 'assets') });
    expect((await readdir(path.join(dist, 'assets'))).sort()).toEqual(['logo.png', 'same-logo.png']);
    for (const f of ['logo.png', 'same-logo.png'])
      expect((await lstat(path.join(dist, 'assets', f))).isFile()).toBe(true);
    expect(await readFile(path.join(dist, 'assets', 'same-logo.png'), 'utf8')).toBe('PNG');
    expect(await readdir(path.join(dist, 'screenshots'))).toEqual(['ok.png']);
  });

  it('does not read an article that links out of content/', async () => {
    const r = await makeRoot({ articles: { a: article() }, issues: { one: issue(['a', 'b']) } });
    cleanups.push(r.cleanup);
    await writeFile(path.join(r.root, 'secret.md'), article({ title: 'Private notes' }));
    await symlink(path.join(r.root, 'secret.md'), path.join(r.root, 'content', 'articles', 'b.md'));
    const result = await buildIssue({ root: r.root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'content/symlink-outside', file: 'content/articles/b.md' }),
    );
  });
});
