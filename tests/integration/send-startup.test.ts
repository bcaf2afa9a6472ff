import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gz } from '../helpers/run.js';
import { csvOf, ISSUE, makeRoot, REPO, startSink, type Sink } from '../helpers/send.js';

// What a `gazette send` process loads: after `gazette build` (the documented order: build,
// deploy, send) the issue and its check findings come from the build cache, and a server that
// offers PIPELINING is spoken to by Gazette's own client, so neither MJML, Handlebars, the check
// rules nor nodemailer are loaded. A fresh process each time, so its module cache tells.

let root: string;
let cleanup: () => Promise<void>;
let sink: Sink;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
  sink = await startSink({ dir: root });
});
afterAll(async () => {
  await sink.stop();
  await cleanup();
});

function sendAndList(args: string[]): string {
  return `
    import { createRequire } from 'node:module';
    const { run } = await import(${JSON.stringify(path.join(REPO, 'lib/commands/send.js'))});
    const code = await run(${JSON.stringify(args)}, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ code, loaded }));`;
}

async function send(args: string[]): Promise<{ code: number; loaded: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', sendAndList(args)], {
    cwd: root,
    env: { ...process.env, GAZETTE_SKIP_LIVE_CHECK: '1' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const HEAVY = /\/node_modules\/(mjml-core|handlebars|sanitize-html|caniemail|htmlparser2)\/(?!package\.json$)/;
const NODEMAILER = /\/node_modules\/nodemailer\/(?!package\.json$)/;

describe('gazette send start-up', { timeout: 120_000 }, () => {
  it('after gazette build, renders nothing and loads neither MJML, the check rules nor nodemailer', async () => {
    const list = path.join(root, 'startup.csv');
    await writeFile(list, csvOf(['s1@example.org', 's2@example.org', 's3@example.org']));
    const args = ['--root', root, '--issue', ISSUE, '--to', list, '--smtp', sink.url, '--yes'];
    // Before any build: the issue is rendered and checked here (and the cache filled).
    const cold = await send([...args, '--no-cache']);
    expect(cold.code).toBe(0);
    expect(cold.loaded.filter((p) => HEAVY.test(p)).length).toBeGreaterThan(0);
    expect((await gz(['build', '--root', root, '--quiet'])).code).toBe(0);
    const second = path.join(root, 'startup2.csv');
    await writeFile(second, csvOf(['t1@example.org', 't2@example.org']));
    const warm = await send(['--root', root, '--issue', ISSUE, '--to', second, '--smtp', sink.url, '--yes']);
    expect(warm.code).toBe(0);
    expect(warm.loaded.filter((p) => HEAVY.test(p))).toEqual([]);
    expect(warm.loaded.filter((p) => NODEMAILER.test(p))).toEqual([]);
    await sink.waitFor(5);
    expect(sink.deliveries.flatMap((d) => d.to).sort()).toEqual(
      ['s1@example.org', 's2@example.org', 's3@example.org', 't1@example.org', 't2@example.org'].sort(),
    );
  });
});
