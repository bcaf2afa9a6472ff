import { readFile, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, gazette, makeRoot, SECRET, startSink, type Sink } from '../helpers/send.js';
import { buildSite, REPO } from '../helpers/site.js';

// The live check before a real send, end to end: the real CLI, a real HTTPS server on 127.0.0.1
// playing the static host (a self-signed certificate the CLI trusts through NODE_EXTRA_CA_CERTS),
// a real SMTP sink. publication.url points at that server; files of dist/ listed in `withheld`
// answer 404, as if the upload had not happened yet. In the slow project (vitest.config.ts): the
// trust has to be there when the process starts. send-live.test.ts covers the same in-process.

const ISSUE = 'weekly-digest-2025-11-21';
const OTHER = 'kazakhstan-abraham-accords';
const TLS = path.join(REPO, 'tests', 'fixtures', 'tls');

let root: string;
let cleanup: () => Promise<void>;
let host: https.Server;
let base: string;
let sink: Sink;
const withheld = new Set<string>();
const requests: string[] = [];

/** URLs under publication.url that the built email of `slug` loads as images. */
async function imageUrls(slug: string): Promise<string[]> {
  const html = await readFile(path.join(root, 'dist', slug, 'email.html'), 'utf8');
  return [...new Set([...html.matchAll(/<img\b[^>]*?\ssrc="([^"]+)"/g)].map((m) => m[1]!))].filter((u) =>
    u.startsWith(`${base}/`),
  );
}

const env = { NODE_EXTRA_CA_CERTS: path.join(TLS, 'cert.pem') };
/**
 * `gazette send` of `slug` to a CSV of the root, over the sink unless `extra` names an outbox.
 * --force: publication.url on 127.0.0.1 is itself a check error (link/localhost); the live check
 * still runs.
 */
const send = (slug: string, list: string, extra: string[] = [], envExtra: NodeJS.ProcessEnv = {}) =>
  gazette(
    ['send', '--root', root, '--issue', slug, '--to', path.join(root, list), '--yes', '--force', ...extra].concat(
      extra.includes('--outbox') ? [] : ['--smtp', sink.url],
    ),
    { env: { ...env, GAZETTE_SECRET: SECRET, ...envExtra }, timeoutMs: 90_000 },
  );

beforeAll(async () => {
  // The .env says nothing about the live check: this file is where it runs.
  ({ root, cleanup } = await makeRoot({ GAZETTE_SECRET: SECRET, GAZETTE_SKIP_LIVE_CHECK: '0' }));
  const [key, cert] = await Promise.all([readFile(path.join(TLS, 'key.pem')), readFile(path.join(TLS, 'cert.pem'))]);
  host = https.createServer({ key, cert }, async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname);
    requests.push(`${req.method} ${pathname}`);
    const rel = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    const file = path.join(root, 'dist', ...rel.split('/').filter((s) => s && s !== '..'));
    const size = withheld.has(pathname)
      ? undefined
      : await stat(file).then(
          (s) => (s.isFile() ? s.size : undefined),
          () => undefined,
        );
    if (size === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(size) });
    res.end(req.method === 'HEAD' ? undefined : await readFile(file));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(host.address() as AddressInfo).port}`;
  const yml = path.join(root, 'content', 'publication.yml');
  await writeFile(yml, (await readFile(yml, 'utf8')).replace('url: https://www.thegazelle.org', `url: ${base}`));
  await buildSite(root);
  sink = await startSink({ dir: root });
  await writeFile(path.join(root, 'list.csv'), csvOf(['ada@example.org', 'bo@example.org']));
  await writeFile(path.join(root, 'other.csv'), csvOf(['cy@example.org']));
});
afterAll(async () => {
  await sink?.stop();
  host?.closeAllConnections();
  await new Promise((resolve) => host?.close(resolve));
  await cleanup();
});

describe('gazette send: the live check', () => {
  it('refuses before the first message, listing the web version and images that do not answer', async () => {
    const images = await imageUrls(ISSUE);
    expect(images.length).toBeGreaterThan(1);
    const webPath = `/issues/${ISSUE}/`;
    withheld.add(webPath);
    withheld.add(new URL(images[0]!).pathname);
    requests.length = 0;
    const r = await send(ISSUE, 'list.csv');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('[send/not-live]');
    expect(r.stderr).toContain(`web version ${base}${webPath}: HTTP 404`);
    expect(r.stderr).toContain(`image ${images[0]}: HTTP 404`);
    expect(r.stderr).not.toContain(`image ${images[1]}:`);
    expect(r.stderr).toContain('Deploy dist/ first');
    expect(sink.deliveries).toEqual([]);
    // One request per distinct URL: the web version, every image, the article pages.
    expect(requests.filter((q) => q === `HEAD ${webPath}`)).toHaveLength(1);
    for (const u of images) expect(requests).toContain(`HEAD ${new URL(u).pathname}`);
    expect(requests.some((q) => q.startsWith('HEAD /articles/'))).toBe(true);
  });

  it('sends once everything answers, saying it checked', async () => {
    withheld.clear();
    const r = await send(ISSUE, 'list.csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Live check: the \d+ public URLs of the issue answer\./);
    await sink.waitFor(2);
    expect(sink.deliveries.flatMap((d) => d.to).sort()).toEqual(['ada@example.org', 'bo@example.org']);
  });

  it('--skip-live-check and GAZETTE_SKIP_LIVE_CHECK=1 send anyway, saying so in one line', async () => {
    withheld.add(`/issues/${OTHER}/`);
    const flag = await send(OTHER, 'other.csv', ['--skip-live-check']);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr.match(/Skipping the live check/g)).toHaveLength(1);
    await sink.waitFor(3);
    const byEnv = await send(OTHER, 'other.csv', [], { GAZETTE_SKIP_LIVE_CHECK: '1' });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(byEnv.stderr).toContain('Skipping the live check');
  });

  it('--outbox (and --dry-run) never make the check', async () => {
    withheld.add(`/issues/${ISSUE}/`);
    requests.length = 0;
    const r = await send(ISSUE, 'list.csv', ['--outbox', path.join(root, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toEqual([]);
    expect(r.stderr).not.toContain('live check');
  });
});

describe('gazette check --links', () => {
  it('reports the same missing URLs as link/not-deployed findings', async () => {
    const images = await imageUrls(ISSUE);
    withheld.clear();
    withheld.add(`/issues/${ISSUE}/`);
    withheld.add(new URL(images[1]!).pathname);
    const r = await gazette(
      ['check', '--root', root, '--issue', ISSUE, '--links', '--links-timeout', '3000', '--format', 'json'],
      {
        env,
      },
    );
    const out = JSON.parse(r.stdout) as { diagnostics: { code: string; message: string }[] };
    const missing = out.diagnostics.filter((d) => d.code === 'link/not-deployed').map((d) => d.message);
    expect(missing).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`the web version ${base}/issues/${ISSUE}/ does not answer (HTTP 404)`),
        expect.stringContaining(`the image ${images[1]} does not answer (HTTP 404)`),
      ]),
    );
    expect(missing).toHaveLength(2);
    expect(r.code).toBe(1);
  });
});
