import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkIssue } from '../../src/check/index.js';
import { run as init } from '../../src/commands/init.js';
import { buildIssue } from '../../src/pipeline/build.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gazette-init-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function memoryIo(stdin?: PassThrough & { isTTY?: boolean }, tty = false) {
  let out = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s), isTTY: tty },
      stderr: { write: (s: string) => (out += s) },
      stdin,
      cwd: dir,
    },
    out: () => out,
  };
}

const FLAGS = ['--name', 'Club News', '--url', 'https://club.example.org/', '--from', 'news@club.example.org'];

async function strictFindings(root: string) {
  const result = await buildIssue({ root });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const found = [];
  for (const r of result.issues) found.push(...(await checkIssue(r, { content: result.content! })));
  return found.filter((d) => d.severity !== 'info');
}

describe('gazette init', () => {
  it('writes a root that builds and passes check --strict, with .gitignore, .env.example and a CI workflow', async () => {
    const { io, out } = memoryIo();
    expect(await init(['site', ...FLAGS, '--address', '1 Main St, Springfield'], io)).toBe(0);
    const root = path.join(dir, 'site');
    const yml = await readFile(path.join(root, 'content/publication.yml'), 'utf8');
    expect(yml).toContain('url: "https://club.example.org"'); // trailing slash dropped
    expect(yml).toMatch(/^# /m); // commented
    const ignore = (await readFile(path.join(root, '.gitignore'), 'utf8')).split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['.env', '.gazette/', 'dist/']));
    expect(await readFile(path.join(root, '.env.example'), 'utf8')).toMatch(/^SMTP_URL=$/m);
    const workflow = await readFile(path.join(root, '.github/workflows/gazette.yml'), 'utf8');
    expect(workflow).toMatch(/pull_request/);
    expect(workflow).toContain('npx gazette check --strict');
    expect(await strictFindings(root)).toEqual([]);
    expect(out()).toContain('npx gazette preview');
  });

  it('without a terminal, writes change-me placeholders that check reports as errors', async () => {
    const { io, out } = memoryIo();
    expect(await init(['--name', 'Club'], io)).toBe(0);
    expect(out()).toContain('--url, --from, --address');
    const found = await strictFindings(dir);
    expect(found.filter((d) => d.code === 'publication/placeholder').map((d) => d.field)).toEqual([
      'url',
      'from',
      'address',
      'unsubscribeUrl',
    ]);
    expect(found.every((d) => d.file === 'content/publication.yml' && (d.line ?? 0) > 1)).toBe(true);
  });

  it('on a terminal, asks for the missing values and asks again after a bad one', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const { io } = memoryIo(stdin, true);
    const done = init([...FLAGS.slice(0, 2)], io);
    stdin.write(
      'http://insecure.example\nhttps://asked.example.org\nnot-an-address\nme@asked.example.org\n2 Side St\n',
    );
    expect(await done).toBe(0);
    const yml = await readFile(path.join(dir, 'content/publication.yml'), 'utf8');
    expect(yml).toContain('url: "https://asked.example.org"');
    expect(yml).toContain('address: "me@asked.example.org"');
    expect(yml).toContain('address: "2 Side St"');
  });

  it('never overwrites: refuses listing what exists and writes nothing', async () => {
    await writeFile(path.join(dir, '.gitignore'), 'mine\n');
    const { io } = memoryIo();
    await expect(init([...FLAGS, '--address', 'x'], io)).rejects.toThrow(/already has \.gitignore/);
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('mine\n');
    await expect(readFile(path.join(dir, 'content/publication.yml'))).rejects.toThrow(/ENOENT/);
  });

  it('rejects a URL that is not https before writing anything', async () => {
    const { io } = memoryIo();
    await expect(init(['--url', 'http://club.example.org'], io)).rejects.toThrow(/--url/);
    await expect(readFile(path.join(dir, '.gitignore'))).rejects.toThrow(/ENOENT/);
  });
});
