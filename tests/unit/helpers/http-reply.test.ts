import { createServer, request, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { reply } from '../../../src/preview/reply.js';
import { send } from '../../../src/server/http.js';

// gazette serve's send() and the preview's reply() each wrote responses their own way: serve set
// Content-Length and dropped HEAD bodies, the preview did neither; serve's mixed-case defaults
// beside a caller's lower-case header went out twice. Both write through writeResponse now.
async function call(handler: RequestListener, method = 'GET') {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<{ status: number; raw: string[]; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path: '/' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders, body }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

const named = (raw: string[], name: string) =>
  raw.filter((_, i) => i % 2 === 0 && raw[i]!.toLowerCase() === name).map((_, i) => i);

describe('writeResponse, behind both servers', () => {
  it('a header given in another case replaces the default instead of going out twice', async () => {
    const r = await call((req, res) =>
      send(req, res, { status: 200, body: 'x', headers: { 'content-security-policy': "default-src 'self'" } }),
    );
    expect(named(r.raw, 'content-security-policy')).toHaveLength(1);
    expect(r.raw[r.raw.findIndex((h) => h.toLowerCase() === 'content-security-policy') + 1]).toBe("default-src 'self'");
  });

  it('the preview sends Content-Length, and no body to HEAD, like serve', async () => {
    for (const handler of [
      ((_req, res) => reply(res, 200, 'text/plain; charset=utf-8', 'héllo')) as RequestListener,
      ((req, res) =>
        send(req, res, { status: 200, body: 'héllo', type: 'text/plain; charset=utf-8' })) as RequestListener,
    ]) {
      const get = await call(handler);
      expect(get.body).toBe('héllo');
      expect(get.raw[get.raw.findIndex((h) => h.toLowerCase() === 'content-length') + 1]).toBe('6');
      const head = await call(handler, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    }
  });
});
