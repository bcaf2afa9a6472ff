import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/root.js';

const exec = promisify(execFile);

// The package as a user gets it: `npm pack`, installed into a fresh project, used through npx.
// One install for the whole file (it is slow); every step after it runs in that project.
let tmp: string;
let project: string;
let packed: string[];
let tarball: string;
const steps: Record<string, { code: number; stdout: string; stderr: string }> = {};

async function npx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['--no-install', 'gazette', ...args], {
      cwd: project,
      env: { ...process.env, npm_config_yes: 'false' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

/** How long each step took (ms), printed once: this is the slowest file of the suite. */
const took: Record<string, number> = {};
async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    took[name] = Math.round(performance.now() - started);
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gazette-pack-'));
  // `npm pack` as a clone runs it, prepare (tsc: lib/ with its .d.ts) included, but in a copy of
  // the sources: the repository's own lib/ is esbuild's (no .d.ts, tests/setup/compile.ts) and is
  // in use by other test files, which prepare's `rm -rf lib` would pull from under them.
  const stage = path.join(tmp, 'clone');
  await timed('pack', async () => {
    for (const f of ['package.json', 'tsconfig.json', 'README.md', 'LICENSE', 'bin', 'templates', 'src', 'scripts'])
      await cp(path.join(REPO, f), path.join(stage, f), { recursive: true });
    await symlink(path.join(REPO, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: stage,
      maxBuffer: 16 * 1024 * 1024,
    });
    // npm prints prepare's output before the JSON.
    const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    packed = info!.files.map((f) => f.path);
    tarball = path.join(tmp, info!.filename);
  });
  project = path.join(tmp, 'newsletter');
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, 'package.json'), '{ "name": "newsletter", "private": true }\n');
  // As fast as npm goes: from its cache when it can (--prefer-offline: a clean machine still
  // downloads), no audit, no funding, no lockfile written. Install scripts are skipped: sharp
  // needs none (its binaries are the prebuilt @img/sharp-* packages), and better-sqlite3's is a
  // native compile (minutes on this machine, not Gazette's to test); its binary, built for this
  // very Node and version by the repository's own install, is copied in instead.
  await timed('install', () =>
    exec(
      'npm',
      [
        'install',
        '--save-dev',
        '--prefer-offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--loglevel=error',
        tarball,
      ],
      { cwd: project, timeout: 540_000, maxBuffer: 16 * 1024 * 1024 },
    ),
  );
  const native = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  await mkdir(path.dirname(path.join(project, native)), { recursive: true });
  await copyFile(path.join(REPO, native), path.join(project, native));

  steps.init = await timed('init', () =>
    npx([
      'init',
      '--name',
      'Club News',
      '--url',
      'https://club.example.org',
      '--from',
      'news@club.example.org',
      '--address',
      '1 Main St, Springfield',
    ]),
  );
  steps.build = await timed('build', () => npx(['build']));
  steps.check = await timed('check', () => npx(['check', '--strict']));
  // As the printed next steps say: .env from .env.example, with a secret filled in.
  const example = await readFile(path.join(project, '.env.example'), 'utf8');
  await writeFile(
    path.join(project, '.env'),
    example.replace(/^GAZETTE_SECRET=$/m, 'GAZETTE_SECRET=0123456789abcdef0123456789abcdef'),
  );
  await writeFile(path.join(project, 'list.csv'), 'email,name\nada@example.net,Ada\nbo@example.net,Bo\n');
  steps.send = await timed('send', () =>
    npx(['send', '--issue', 'first-issue', '--to', 'list.csv', '--dry-run', 'outbox', '--yes']),
  );
  console.log(`package-install steps (ms): ${JSON.stringify(took)}`);
}, 600_000);
afterAll(() => (tmp ? rm(tmp, { recursive: true, force: true }) : undefined));

describe('the npm package', () => {
  it('holds the compiled lib, templates, bin, README and LICENSE only', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'bin/gazette.js',
        'lib/cli.js',
        'lib/index.d.ts',
        'templates/layouts/digest.mjml.hbs',
        'README.md',
        'LICENSE',
        'package.json',
      ]),
    );
    const stray = packed.filter(
      (f) => !/^(bin|lib|templates)\//.test(f) && !/^(README\.md|LICENSE|package\.json)$/.test(f),
    );
    expect(stray).toEqual([]);
    expect(packed.filter((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('tests/'))).toEqual([]);
  });

  it('installed in a fresh project: init, build, check --strict and a dry-run send work through npx', async () => {
    expect(steps.init, steps.init?.stderr).toMatchObject({ code: 0 });
    expect(steps.build, steps.build?.stderr).toMatchObject({ code: 0 });
    expect(steps.build!.stdout).toContain('first-issue');
    expect(steps.check, `${steps.check?.stdout}\n${steps.check?.stderr}`).toMatchObject({ code: 0 });
    expect(steps.send, steps.send?.stderr).toMatchObject({ code: 0 });
    const emls = (await readdir(path.join(project, 'outbox'))).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(2);
    expect(await readFile(path.join(project, 'dist/first-issue/email.html'), 'utf8')).toContain('Club News');
    // The installed copy ran, not the repository's.
    const pkg = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies.gazette).toMatch(/^file:.*\.tgz$/);
  });
});
