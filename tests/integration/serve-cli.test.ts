import { createHmac } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { SuppressionList } from '../../src/store/suppression.js';
import { signToken } from '../../src/util/token.js';
import { envWith, startServe } from '../helpers/cli.js';
import { rawSocket } from '../helpers/http.js';
import { gz, gzLive } from '../helpers/run.js';
import { buildSite, sampleRoot, SECRET } from '../helpers/site.js';

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  await buildSite(root);
});
afterAll(() => cleanup());

// The first test runs the real binary (SIGTERM goes through main()); the others call run() in-process.
describe('gazette serve', () => {
  it('serves the archive and the unsubscribe endpoint on 127.0.0.1, and stops on SIGTERM', async () => {
    const serve = await startServe(['--root', root], envWith({ GAZETTE_SECRET: SECRET }));
    try {
      expect(serve.output()).toContain('/newsletter/unsubscribe');
      const home = await fetch(`${serve.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('newsletter archive');
      const token = signToken({ email: 'reader@example.com', issue: 'kazakhstan-abraham-accords' }, SECRET);
      const r = await fetch(`${serve.url}/newsletter/unsubscribe?token=${token}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
      expect(r.status).toBe(200);
      // A malformed request gets a 400 from the server itself; it keeps serving.
      const garbage = await rawSocket(serve.url, 'NONSENSE\r\n\r\n');
      expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
      expect((await fetch(`${serve.url}/feed.xml`)).status).toBe(200);
      const db = openDatabase(root);
      try {
        expect(new SuppressionList(db).has('reader@example.com')).toBe(true);
      } finally {
        db.close();
      }
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    // The log line (address masked), read once the process has exited and its output is complete.
    expect(serve.output()).toContain('unsubscribed r***@example.com (issue kazakhstan-abraham-accords)');
  });

  it('takes the webhook secrets from the environment and lists the webhooks it serves', async () => {
    const key = 'mailgun-signing-key-for-the-cli-test';
    const serve = await startServe(
      ['--root', root],
      envWith({ GAZETTE_SECRET: SECRET, GAZETTE_MAILGUN_SIGNING_KEY: key }),
    );
    try {
      expect(serve.output()).toContain('webhook: http://127.0.0.1:');
      expect(serve.output()).toMatch(/webhook: http:\/\/127.0.0.1:\d+\/webhooks\/mailgun\n/);
      expect(serve.output()).not.toContain('/webhooks/postmark');
      const timestamp = String(Math.floor(Date.now() / 1000));
      const token = 'cli-test-token-0123456789abcdef0123456789abcdef01';
      const signature = createHmac('sha256', key)
        .update(timestamp + token)
        .digest('hex');
      const event = { id: 'cli-1', event: 'complained', recipient: 'spam-cli@example.com' };
      const r = await fetch(`${serve.url}/webhooks/mailgun`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': event }),
      });
      expect(r.status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    const db = openDatabase(root);
    try {
      expect(new SuppressionList(db).get('spam-cli@example.com')?.reason).toBe('complaint');
    } finally {
      db.close();
    }
  });

  it('refuses to start without GAZETTE_SECRET and says how to set it', async () => {
    const r = await gz(['serve', '--root', root, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[config/no-secret]');
    expect(r.stderr).toContain('hint: Set GAZETTE_SECRET');
  });

  it('starts while an article is broken (only publication.yml matters), and names what is wrong with publication.yml', async () => {
    const { root: broken, cleanup: cleanBroken } = await sampleRoot();
    try {
      const articles = path.join(broken, 'content', 'articles');
      const [first] = (await readdir(articles)).filter((f) => f.endsWith('.md'));
      const file = path.join(articles, first!);
      await writeFile(file, (await readFile(file, 'utf8')).replace(/^date: .*$/m, 'date: 2025-13-45'));
      const serve = gzLive(['serve', '--root', broken, '--port', '0'], { env: { GAZETTE_SECRET: SECRET } });
      await serve.waitFor(/unsubscribe endpoint: http/);
      expect((await serve.stop()).code).toBe(0);

      const pub = path.join(broken, 'content', 'publication.yml');
      await writeFile(pub, (await readFile(pub, 'utf8')).replace(/^url: https:/m, 'url: http:'));
      const r = await gz(['serve', '--root', broken, '--port', '0'], { env: { GAZETTE_SECRET: SECRET } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/content\/publication\.yml:\d+:\d+: error: `url` must start with https:\/\//);
      expect(r.stderr).toContain('cannot read the publication settings');
    } finally {
      await cleanBroken();
    }
  });

  it('rejects a bad --port', async () => {
    const r = await gz(['serve', '--root', root, '--port', 'eighty'], { env: { GAZETTE_SECRET: SECRET } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[cli/usage]');
  });

  it('reports a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await gz(['serve', '--root', root, '--port', String(port)], { env: { GAZETTE_SECRET: SECRET } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[serve/listen]');
      expect(r.stderr).toContain('--port 0');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('the exported handler', () => {
  it("is importable as 'gazette/serve' (package exports) and serves a root", async () => {
    // The package's own name, resolved through package.json exports as a user's code would.
    const specifier = 'gazette/serve';
    const mod = (await import(specifier)) as typeof import('../../src/server/handler.js');
    const handler = await mod.createGazetteHandler({ root, secret: SECRET });
    try {
      expect(handler.unsubscribePath).toBe('/newsletter/unsubscribe');
    } finally {
      handler.close();
    }
  });
});
