import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPool, probe } from '../../src/live/probe.js';

// A real HTTP server on 127.0.0.1 answering the ways public hosts do.
let server: http.Server;
let base: string;
let inFlight = 0;
let maxInFlight = 0;
const methods: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    methods.push(`${req.method} ${url}`);
    if (url === '/ok') return void res.writeHead(200, { 'content-length': '2' }).end('ok');
    if (url === '/missing') return void res.writeHead(404).end('no');
    if (url === '/head-refused')
      return void (req.method === 'HEAD' ? res.writeHead(405).end() : res.writeHead(200).end('ok'));
    if (url === '/hop1') return void res.writeHead(301, { location: '/hop2' }).end();
    if (url === '/hop2') return void res.writeHead(302, { location: `${base}/ok` }).end();
    if (url.startsWith('/loop')) return void res.writeHead(302, { location: `/loop${url.length}` }).end();
    if (url === '/slow') return void setTimeout(() => res.end('late'), 5000).unref();
    if (url === '/sized')
      return void res
        .writeHead(200, { 'content-length': '654321' })
        .end(req.method === 'HEAD' ? undefined : Buffer.alloc(654321));
    if (url === '/streamed') {
      // No Content-Length: 3 MB in 64 KB chunks, stopped as soon as the reader goes away.
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      if (req.method === 'HEAD') return void res.end();
      let sent = 0;
      const push = () => {
        while (sent < 3_000_000 && !res.destroyed) {
          sent += 65_536;
          if (!res.write(Buffer.alloc(65_536))) return void res.once('drain', push);
        }
        res.end();
      };
      return push();
    }
    if (url.startsWith('/count')) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return void setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 50);
    }
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('probe', () => {
  it('answers ok for 200 with one HEAD, and not for 404', async () => {
    methods.length = 0;
    expect(await probe(`${base}/ok`)).toEqual({ url: `${base}/ok`, ok: true, status: 200 });
    expect(methods).toEqual(['HEAD /ok']);
    expect(await probe(`${base}/missing`)).toMatchObject({ ok: false, status: 404 });
  });

  it('asks again with GET when HEAD is refused', async () => {
    methods.length = 0;
    expect(await probe(`${base}/head-refused`)).toMatchObject({ ok: true, status: 200 });
    expect(methods).toEqual(['HEAD /head-refused', 'GET /head-refused']);
  });

  it('follows redirects up to a limit', async () => {
    expect(await probe(`${base}/hop1`)).toMatchObject({ ok: true, status: 200, finalUrl: `${base}/ok` });
    expect(await probe(`${base}/hop1`, { maxRedirects: 1 })).toMatchObject({
      ok: false,
      error: 'more than 1 redirects',
    });
    const loop = await probe(`${base}/loop`);
    expect(loop).toMatchObject({ ok: false, status: 302, error: 'more than 5 redirects' });
  });

  it('gives up after its timeout, and names a refused connection', async () => {
    const started = performance.now();
    expect(await probe(`${base}/slow`, { timeoutMs: 300 })).toMatchObject({
      ok: false,
      error: 'no answer within 300 ms',
    });
    expect(performance.now() - started).toBeLessThan(3000);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await probe(`http://127.0.0.1:${port}/`)).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });

  it('measures a body by Content-Length, or by the bytes read, never more than asked', async () => {
    expect(await probe(`${base}/sized`, { measureUpTo: 1_000_000 })).toMatchObject({ ok: true, bytes: 654_321 });
    expect(await probe(`${base}/streamed`, { measureUpTo: 100_000 })).toMatchObject({ ok: true, bytes: 100_001 });
  });
});

describe('inPool', () => {
  it('keeps at most `concurrency` requests in flight, results in order', async () => {
    maxInFlight = 0;
    const urls = Array.from({ length: 12 }, (_, i) => `${base}/count${i}`);
    const results = await inPool(urls, 3, (u) => probe(u));
    expect(results.map((r) => r.url)).toEqual(urls);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(maxInFlight).toBe(3);
  });
});
