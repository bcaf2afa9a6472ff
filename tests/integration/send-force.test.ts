import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE, makeRoot, startSink, type Sink } from '../helpers/send.js';
import { gz as gazette } from '../helpers/run.js';

// `gazette send` runs every check rule first: an issue `gazette check` fails is not sent unless
// --force (real smtp-server sink on 127.0.0.1, real CLI in-process, real SQLite journal).

let root: string;
let cleanup: () => Promise<void>;
let sink: Sink;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
  // A link no reader can open: a check error (link/localhost), not a build error.
  await appendFile(
    path.join(root, 'content/articles/kazakhstan-joins-abraham-accords.md'),
    '\nThe [draft page](http://localhost:3000/draft) has more.\n',
  );
  await writeFile(path.join(root, 'list.csv'), 'email,name\na@example.org,A\nb@example.org,B\n');
  sink = await startSink({ dir: root });
});
afterAll(async () => {
  await sink?.stop();
  await cleanup();
});

const send = (...extra: string[]) =>
  gazette([
    'send',
    '--root',
    root,
    '--issue',
    ISSUE,
    '--to',
    path.join(root, 'list.csv'),
    '--smtp',
    sink.url,
    '--yes',
    ...extra,
  ]);

describe('gazette send and check errors', { timeout: 120_000 }, () => {
  it('refuses an issue with check errors, listing them, and sends nothing', async () => {
    const r = await send();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /content\/articles\/kazakhstan-joins-abraham-accords\.md:38:\d+: error: .*localhost.*\[link\/localhost\]$/m,
    );
    expect(r.stderr).toMatch(/finds 1 error in this issue.*nothing was sent/s);
    expect(r.stderr).toContain('--force');
    expect(sink.deliveries).toHaveLength(0);
    // check agrees.
    const c = await gazette(['check', '--root', root, '--issue', ISSUE]);
    expect(c.code).toBe(1);
    expect(c.stdout + c.stderr).toContain('[link/localhost]');
  });

  it('sends it with --force, saying so', async () => {
    const r = await send('--force');
    expect(r.stderr).toContain('Sending despite 1 check error (--force)');
    expect(r.code).toBe(0);
    await sink.waitFor(2);
    expect(sink.deliveries.flatMap((d) => d.to).sort()).toEqual(['a@example.org', 'b@example.org']);
  });
});
