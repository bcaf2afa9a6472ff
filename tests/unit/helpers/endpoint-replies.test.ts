import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, serveRoot, type Served } from '../../helpers/http.js';
import { makeRoot, PUBLICATION } from '../../helpers/root.js';

// The sign-up, confirmation, unsubscribe and webhook endpoints each wrote their own 405 and their
// own "body refused" reply: only unsubscribe marked its 405 no-store, and the confirmation and
// webhook refusals kept the connection open. methodNotAllowed and readBodyOrRefuse now.
const SECRET = 'test-secret-0123456789abcdef';
let s: Served;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ cleanup } = await makeRoot({
    publication: `${PUBLICATION}subscribeUrl: https://news.example.org/subscribe\n`,
  }).then(async (r) => {
    s = await serveRoot({ root: r.root, secret: SECRET, bodyLimit: 100 });
    return r;
  }));
});
afterAll(async () => {
  await s.close();
  await cleanup();
});

describe('endpoint replies', () => {
  it('every endpoint answers a wrong method with the same 405, never cached', async () => {
    for (const p of ['/unsubscribe?token=x', '/subscribe', '/subscribe/confirm?token=x']) {
      const r = await rawRequest(s.url, 'PUT', p, '');
      expect(r.status, p).toBe(405);
      expect(r.headers.allow, p).toBe('GET, HEAD, POST');
      expect(r.headers['cache-control'], p).toBe('no-store');
      expect(r.body).toBe('Method not allowed\n');
    }
  });

  it('every endpoint refuses a body over the limit with 413, closing the connection, never cached', async () => {
    const big = `email=a%40example.org&x=${'y'.repeat(500)}`;
    for (const p of ['/unsubscribe?token=x', '/subscribe', '/subscribe/confirm?token=x']) {
      const r = await rawRequest(s.url, 'POST', p, big, {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://news.example.org',
      });
      expect(r.status, p).toBe(413);
      expect(r.headers.connection, p).toBe('close');
      expect(r.headers['cache-control'], p).toBe('no-store');
    }
  });
});
