import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gz } from '../helpers/run.js';
import { useSample } from '../helpers/sample.js';
import { fileTree } from '../helpers/tree.js';

// `gazette build` fills its fresh output folder from the output before last (kept under
// .gazette/cache/output/) and hard-links unchanged files to the live output. Whatever that spare
// holds, and whatever was done to dist/ in between, the result must be byte for byte what a
// build into an empty folder writes.

const sample = useSample();
const FEATURE = 'kazakhstan-abraham-accords';
const ARTICLE = 'content/articles/kazakhstan-joins-abraham-accords.md';

async function build(root: string, ...extra: string[]): Promise<void> {
  const r = await gz(['build', '--root', root, '--quiet', ...extra]);
  expect(r.code, r.stderr).toBe(0);
}

/** What a build of the same content writes into a folder that never held anything. */
async function fresh(root: string): Promise<Record<string, string>> {
  rmSync(path.join(root, 'reference'), { recursive: true, force: true });
  await build(root, '--no-cache', '--out', 'reference');
  return fileTree(path.join(root, 'reference'));
}

const spares = (root: string) => {
  const dir = path.join(root, '.gazette', 'cache', 'output');
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('the output spare', () => {
  it('writes what a fresh build writes through edits, a deleted issue and a tampered spare', async () => {
    const root = await sample();
    const dist = path.join(root, 'dist');
    await build(root);
    await build(root); // the first output becomes the spare
    expect(spares(root)).toHaveLength(1);
    const spare = path.join(root, '.gazette', 'cache', 'output', spares(root)[0]!);
    expect(fileTree(dist)).toEqual(await fresh(root));

    // An edit: the spare (two builds old) has the old article; the new output must not.
    writeFileSync(path.join(root, ARTICLE), `${readFileSync(path.join(root, ARTICLE), 'utf8')}\nA new closing line.\n`);
    await build(root);
    expect(fileTree(dist)).toEqual(await fresh(root));
    expect(readFileSync(path.join(dist, FEATURE, 'email.txt'), 'utf8')).toContain('A new closing line.');

    // An issue deleted from content/: its folder leaves dist/ though the spare still has it.
    const issues = readdirSync(path.join(root, 'content', 'issues')).filter((f) => f.endsWith('.md'));
    const gone = issues.find((f) => !f.startsWith(FEATURE))!.replace(/\.md$/, '');
    rmSync(path.join(root, 'content', 'issues', `${gone}.md`));
    await build(root);
    expect(existsSync(path.join(dist, gone))).toBe(false);
    expect(fileTree(dist)).toEqual(await fresh(root));

    // The spare tampered with: a file edited, a stray file, a link out, a file where a folder goes.
    await build(root); // make sure a spare is there
    const spareFeature = path.join(spare, FEATURE);
    expect(existsSync(spareFeature)).toBe(true);
    writeFileSync(path.join(spareFeature, 'web.html'), 'stale');
    writeFileSync(path.join(spare, 'stray.txt'), 'not ours');
    symlinkSync('/etc/passwd', path.join(spare, 'passwd'));
    rmSync(path.join(spare, 'assets'), { recursive: true, force: true });
    writeFileSync(path.join(spare, 'assets'), 'a file, not a folder');
    await build(root);
    expect(fileTree(dist)).toEqual(await fresh(root));
    // Eleven builds in a row: over the 30 s default on a loaded 2-core machine (load 10-12).
  }, 120_000);

  it('rewrites a file that was edited in place in dist/ (it may share its inode with the spare)', async () => {
    const root = await sample();
    const dist = path.join(root, 'dist');
    await build(root);
    await build(root);
    await build(root);
    const email = path.join(dist, FEATURE, 'email.html');
    const before = readFileSync(email, 'utf8');
    // In place, as an editor or a sed -i-less tool would: every link to this inode sees it.
    writeFileSync(email, 'edited in place');
    await build(root);
    expect(readFileSync(email, 'utf8')).toBe(before);
    expect(fileTree(dist)).toEqual(await fresh(root));
  });

  it('leaves unchanged files as they were (same inode and mtime) and keeps folders nobody built', async () => {
    const root = await sample();
    const dist = path.join(root, 'dist');
    await build(root);
    mkdirSync(path.join(dist, 'screenshots'));
    writeFileSync(path.join(dist, 'screenshots', 'shot.png'), 'png');
    const email = path.join(dist, FEATURE, 'email.html');
    const first = statSync(email);
    await build(root);
    await build(root);
    const later = statSync(email);
    expect(later.ino).toBe(first.ino);
    expect(later.mtimeMs).toBe(first.mtimeMs);
    expect(readFileSync(path.join(dist, 'screenshots', 'shot.png'), 'utf8')).toBe('png');
  });

  it('uses no spare with --no-cache', async () => {
    const root = await sample();
    await build(root, '--no-cache');
    await build(root, '--no-cache');
    expect(spares(root)).toEqual([]);
  });

  it('never uses a spare that is a link (a cloned repository can carry one pointing at ~)', async () => {
    const root = await sample();
    const victim = path.join(root, 'victim');
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'thesis.tex'), 'years of work');
    await build(root); // learn where the spare of this output goes
    await build(root);
    const dir = path.join(root, '.gazette', 'cache', 'output');
    const name = spares(root)[0]!;
    rmSync(path.join(dir, name), { recursive: true, force: true });
    symlinkSync(victim, path.join(dir, name));
    await build(root);
    expect(readdirSync(victim)).toEqual(['thesis.tex']);
    expect(readFileSync(path.join(victim, 'thesis.tex'), 'utf8')).toBe('years of work');
    expect(lstatSync(path.join(root, 'dist')).isSymbolicLink()).toBe(false);
    expect(fileTree(path.join(root, 'dist'))).toEqual(await fresh(root));
  });
});

describe('the output spare, where a folder became a file', () => {
  it('builds (a file of the spare under the folder is not removed once the folder is gone)', async () => {
    const root = await sample();
    const dist = path.join(root, 'dist');
    await build(root);
    mkdirSync(path.join(dist, 'screenshots', 'shot'), { recursive: true });
    writeFileSync(path.join(dist, 'screenshots', 'shot', 'x.png'), 'png');
    await build(root);
    await build(root); // the spare now holds screenshots/shot/x.png
    rmSync(path.join(dist, 'screenshots', 'shot'), { recursive: true });
    writeFileSync(path.join(dist, 'screenshots', 'shot'), 'now a file');
    await build(root);
    expect(readFileSync(path.join(dist, 'screenshots', 'shot'), 'utf8')).toBe('now a file');
  });
});

describe('the output spare, where .gazette/cache is a link', () => {
  it('is not kept through it (the old output would go wherever a cloned repository points it)', async () => {
    const root = await sample();
    const elsewhere = path.join(root, 'public_html');
    mkdirSync(path.join(root, '.gazette'), { recursive: true });
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(root, '.gazette', 'cache'));
    await build(root);
    await build(root);
    await build(root);
    expect(existsSync(path.join(elsewhere, 'output'))).toBe(false);
    expect(fileTree(path.join(root, 'dist'))).toEqual(await fresh(root));
  });

  it('removes the temporary folders a killed build left behind, once their process is gone and they are old', async () => {
    const root = await sample();
    // A pid that was alive a moment ago and is not any more.
    const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const dead = Number(child.stdout.trim());
    const made = (name: string, ageMs: number) => {
      const dir = path.join(root, name);
      mkdirSync(path.join(dir, 'some-issue'), { recursive: true });
      writeFileSync(path.join(dir, 'some-issue', 'email.html'), 'half-written');
      const t = new Date(Date.now() - ageMs);
      utimesSync(dir, t, t);
      return dir;
    };
    const abandoned = made(`.dist.tmp-${dead}-deadbeef`, 3_600_000);
    const abandonedOld = made(`.dist.old-${dead}-0badcafe`, 3_600_000);
    const recent = made(`.dist.tmp-${dead}-12345678`, 0); // maybe a build on another machine
    const running = made(`.dist.tmp-${process.pid}-abcdef01`, 3_600_000); // this process: alive
    const unrelated = made('.dist.tmp-notours', 3_600_000);
    await build(root);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(abandonedOld)).toBe(false);
    for (const kept of [recent, running, unrelated]) expect(existsSync(kept)).toBe(true);
  });
});
