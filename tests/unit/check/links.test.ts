import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtinTemplate,
  codes,
  DIGEST,
  FEATURE,
  FEATURE_ARTICLE,
  only,
  sampleFixture,
  type Fixture,
} from './fixture.js';

describe('link rules', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
    await fx.edit(
      FEATURE_ARTICLE,
      /\n---\n/,
      [
        '\n---\n',
        'See [the dev server](http://localhost:3000/draft), [the old site](http://www.thegazelle.org/old),',
        '[the template](https://example.com/your-link) and [a stub](#).',
        '',
      ].join('\n'),
    );
    const footer = await builtinTemplate('partials/footer.mjml.hbs');
    await fx.write(
      'templates/partials/footer.mjml.hbs',
      footer.replace(
        '<p style="margin:0 0 10px">{{publication.address}}</p>',
        '<p style="margin:0 0 10px">{{publication.address}} <a href="/about">About us</a> <a href="ftp://files.thegazelle.org/">Files</a> <a href="">Contact</a></p>',
      ),
    );
  });
  afterAll(() => fx.cleanup());

  it('flags links that cannot work from an inbox, where they were written', async () => {
    const ds = await fx.check(FEATURE);
    expect(only(ds, 'link/localhost')).toMatchObject([{ severity: 'error', file: FEATURE_ARTICLE, line: 18 }]);
    expect(only(ds, 'link/insecure')).toMatchObject([{ severity: 'warning', file: FEATURE_ARTICLE, line: 18 }]);
    expect(only(ds, 'link/placeholder').map((d) => [d.severity, d.file, d.line, d.message])).toEqual([
      ['error', FEATURE_ARTICLE, 19, 'link "the template" points at the placeholder address example.com'],
      ['error', FEATURE_ARTICLE, 19, 'link "a stub" has an empty or "#" href'],
      ['error', 'templates/partials/footer.mjml.hbs', 23, 'link "Contact" has an empty or "#" href'],
    ]);
    expect(only(ds, 'link/relative')).toMatchObject([
      { severity: 'error', file: 'templates/partials/footer.mjml.hbs' },
    ]);
    expect(only(ds, 'link/scheme')).toMatchObject([{ severity: 'error', file: 'templates/partials/footer.mjml.hbs' }]);
  });

  it('passes the sample issues, and example.com links in a publication that lives on example.com', async () => {
    const clean = await sampleFixture();
    try {
      for (const issue of [FEATURE, DIGEST]) expect(codes(await clean.check(issue), 'link/')).toEqual([]);
      await clean.edit('content/publication.yml', 'url: https://www.thegazelle.org', 'url: https://news.example.org');
      await clean.edit(FEATURE_ARTICLE, /\n---\n/, '\n---\n\nSee [our page](https://news.example.org/page).\n');
      expect(only(await clean.check(FEATURE), 'link/placeholder')).toEqual([]);
    } finally {
      await clean.cleanup();
    }
  });
});

describe('--links (online)', () => {
  let server: http.Server;
  let base: string;
  let fx: Fixture;
  beforeAll(async () => {
    let requests = 0;
    server = http.createServer((req, res) => {
      if (++requests > 100) return void res.destroy(); // bounded
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000).unref();
      if (req.url === '/head-refused' && req.method === 'HEAD') return void res.writeHead(405).end();
      // Remote images: one declares 600 KB, the other sends 700 KB without Content-Length.
      if (req.url === '/big.jpg')
        return void res
          .writeHead(200, { 'content-length': '600000' })
          .end(req.method === 'HEAD' ? undefined : Buffer.alloc(600_000));
      if (req.url === '/unsized.jpg') {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        return void res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(700_000));
      }
      res.writeHead(req.url === '/missing' ? 404 : 200).end('ok');
    });
    server.on('error', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fx = await sampleFixture();
    // Every URL of the email on this machine: no request leaves it (port 9 refuses at once).
    await fx.edit('content/publication.yml', 'url: https://www.thegazelle.org', 'url: https://127.0.0.1:9');
    await fx.edit(FEATURE_ARTICLE, /^url: .*$/m, `url: ${base}/ok`);
    await fx.edit(
      FEATURE_ARTICLE,
      /\n---\n/,
      `\n---\n\n[gone](${base}/missing) [slow](${base}/slow) [picky](${base}/head-refused)\n\n![A big one](${base}/big.jpg) ![Another](${base}/unsized.jpg)\n`,
    );
  });
  afterAll(async () => {
    await fx.cleanup();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports broken and unreachable links, and is off by default', async () => {
    expect(codes(await fx.check(FEATURE), 'link/broken')).toEqual([]);
    const ds = await fx.check(FEATURE, { links: { timeoutMs: 500 } });
    const broken = only(ds, 'link/broken');
    expect(broken.map((d) => d.message)).toEqual([`link ${base}/missing answers HTTP 404`]);
    expect(broken[0]).toMatchObject({ severity: 'error', file: FEATURE_ARTICLE });
    const unreachable = only(ds, 'link/unreachable')
      .map((d) => d.message)
      .join('\n');
    expect(unreachable).toContain(`${base}/slow could not be reached (no answer within 500 ms)`);
    expect(unreachable).toContain('https://127.0.0.1:9/');
    expect(ds.map((d) => d.message).join('\n')).not.toContain('/head-refused');
    expect(ds.map((d) => d.message).join('\n')).not.toContain(`${base}/ok`);
  });

  it('reports what gazette send needs online (the web version at publication.url) as not deployed', async () => {
    const ds = await fx.check(FEATURE, { links: { timeoutMs: 500 } });
    const missing = only(ds, 'link/not-deployed').map((d) => d.message);
    expect(missing).toContainEqual(
      expect.stringMatching(/^the web version https:\/\/127\.0\.0\.1:9\/issues\/.+\/ does not answer/),
    );
    expect(only(ds, 'link/not-deployed')[0]).toMatchObject({ severity: 'error' });
    // Not also reported as unreachable.
    const unreachable = only(ds, 'link/unreachable')
      .map((d) => d.message)
      .join('\n');
    expect(unreachable).not.toContain('/issues/');
  });

  it('weighs remote images (Content-Length, or the bytes read) against the per-image limit and the budget', async () => {
    const ds = await fx.check(FEATURE, { links: { timeoutMs: 2000 } });
    expect(only(ds, 'image/remote-weight').map((d) => d.message)).toEqual([
      `the remote image ${base}/big.jpg weighs 586 KB, over the 488 KB a single image may take`,
      `the remote image ${base}/unsized.jpg weighs 684 KB, over the 488 KB a single image may take`,
    ]);
    expect(only(ds, 'image/remote-weight')[0]).toMatchObject({ severity: 'warning', file: FEATURE_ARTICLE });
    expect(only(ds, 'image/weight-budget').map((d) => d.message)).toEqual([
      expect.stringMatching(/^the email loads \d+ KB of images \(1270 KB of them remote\), over the 977 KB budget$/),
    ]);
    // Without --links, nothing is requested and nothing is weighed.
    expect(codes(await fx.check(FEATURE), 'image/remote-weight')).toEqual([]);
  });
});
