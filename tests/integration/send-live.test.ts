import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gz } from '../helpers/run.js';
import { csvOf, ISSUE, makeRoot, SECRET } from '../helpers/send.js';
import { markDraft } from '../helpers/site.js';
import { smtpSink, type Sink } from '../helpers/smtp.js';

// The live check of `gazette send`, in-process: publication.url names a port on 127.0.0.1 where
// nothing listens, so nothing of the issue answers (live-check.test.ts, in the slow project, has
// a real HTTPS host answering 200 and 404). The sink is a real smtp-server on 127.0.0.1.

let root: string;
let cleanup: () => Promise<void>;
let sink: Sink;
let base: string;

beforeAll(async () => {
  ({ root, cleanup } = await makeRoot({ GAZETTE_SECRET: SECRET, GAZETTE_SKIP_LIVE_CHECK: '0' }));
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  const yml = path.join(root, 'content', 'publication.yml');
  await writeFile(yml, (await readFile(yml, 'utf8')).replace('url: https://www.thegazelle.org', `url: ${base}`));
  await writeFile(path.join(root, 'list.csv'), csvOf(['ada@example.org', 'bo@example.org']));
  sink = await smtpSink();
});
afterAll(async () => {
  await sink?.close();
  await cleanup();
});

// publication.url on 127.0.0.1 is itself a check error (link/localhost), so every send here is
// --force: which also shows that --force passes check errors, never the live check.
const send = (extra: string[], env: NodeJS.ProcessEnv = {}) =>
  gz(['send', '--root', root, '--issue', ISSUE, '--yes', '--force', ...extra], { env });
const toList = () => ['--to', path.join(root, 'list.csv'), '--smtp', sink.url];

describe('gazette send: the live check', () => {
  it('refuses before the first message when the web version and images do not answer', async () => {
    const r = await send(toList());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('[send/not-live]');
    expect(r.stderr).toContain(`web version ${base}/issues/${ISSUE}/: ECONNREFUSED`);
    expect(r.stderr).toMatch(new RegExp(`image ${base.replaceAll('.', '\\.')}/assets/email/[^ ]+: ECONNREFUSED`));
    expect(r.stderr).toContain('hint: Deploy dist/ first');
    expect(sink.rcpt).toEqual([]);
  });

  it('--outbox and --test copies never check', async () => {
    const outbox = await send(['--to', path.join(root, 'list.csv'), '--outbox', path.join(root, 'out')]);
    expect(outbox.code, outbox.stderr).toBe(0);
    expect(outbox.stderr).not.toMatch(/live check/i);
    const test = await send(['--test', 'ed@example.org', '--smtp', sink.url]);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stderr).not.toMatch(/live check/i);
    await sink.waitFor(1);
    expect(sink.delivered).toEqual(['ed@example.org']);
  });

  it('--skip-live-check, or GAZETTE_SKIP_LIVE_CHECK=1, sends and says so in one line', async () => {
    const r = await send([...toList(), '--skip-live-check']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/Skipping the live check/g)).toHaveLength(1);
    await sink.waitFor(3);
    expect(sink.delivered.slice(1).sort()).toEqual(['ada@example.org', 'bo@example.org']);
    const byEnv = await send(toList(), { GAZETTE_SKIP_LIVE_CHECK: '1' });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(byEnv.stderr).toContain('Skipping the live check');
  });

  it('a draft is refused as a draft, not as offline', async () => {
    await markDraft(root, `content/issues/${ISSUE}.md`);
    const r = await send(toList());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[send/draft]');
    expect(r.stderr).not.toContain('send/not-live');
  });
});
