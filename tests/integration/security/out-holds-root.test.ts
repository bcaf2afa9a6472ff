import { cp, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gz } from '../../helpers/run.js';
import { useSample } from '../../helpers/sample.js';

// A user's odd setup: `gazette build --out .` (or --public ..). The output folder is replaced
// whole by each build and only its folders are carried over: a folder that holds the root would
// lose every file at its top (.env, package.json, README.md), and with the output spare the old
// root was moved into its own .gazette/cache/ and deleted with it. (Found the hard way: this
// test's first version ran `--public ..` from a root in the system temporary folder, and the
// build replaced /tmp.) The root is kept two levels inside a folder of the test's own.

const sample = useSample();
const outers: string[] = [];
afterEach(async () => {
  for (const o of outers.splice(0)) await rm(o, { recursive: true, force: true });
});

describe('an output folder that holds the root', () => {
  for (const [flag, dir] of [
    ['--out', '.'],
    ['--public', '..'],
    ['--public', '../..'],
  ] as const)
    it(`is refused (${flag} ${dir}) and nothing around the root is touched`, async () => {
      const outer = await mkdtemp(path.join(os.tmpdir(), 'gazette-outer-'));
      outers.push(outer);
      writeFileSync(path.join(outer, 'CNAME'), 'news.example.org');
      const root = path.join(outer, 'site', 'pub');
      await cp(await sample(), root, { recursive: true });
      writeFileSync(path.join(root, 'README.md'), 'our notes');
      const r = await gz(['build', '--root', root, flag, dir], { cwd: root });
      expect(readdirSync(outer)).toEqual(['CNAME', 'site']);
      expect(readFileSync(path.join(outer, 'CNAME'), 'utf8')).toBe('news.example.org');
      expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('our notes');
      expect(existsSync(path.join(root, 'content', 'publication.yml'))).toBe(true);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/holds the root/);
    });

  for (const dir of ['.gazette', 'content', 'templates/layouts', '.gazette/cache/output'])
    it(`is refused when it is the root's ${dir}/ (the send journal, the issues, the theme)`, async () => {
      const root = await sample();
      mkdirSync(path.join(root, '.gazette'), { recursive: true });
      writeFileSync(path.join(root, '.gazette', 'journal.sqlite'), 'who unsubscribed');
      const r = await gz(['build', '--root', root, '--out', dir], { cwd: root });
      expect(readFileSync(path.join(root, '.gazette', 'journal.sqlite'), 'utf8')).toBe('who unsubscribed');
      expect(existsSync(path.join(root, 'content', 'publication.yml'))).toBe(true);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/inside the root's/);
    });
});
