import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGazetteHandler } from '../../../src/server/handler.js';
import { createServeServer, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../../../src/server/listen.js';
import { buildSite, sampleRoot, SECRET } from '../../helpers/site.js';

let url: { port: number };
let close: () => Promise<void>;
beforeAll(async () => {
  const { root, cleanup } = await sampleRoot();
  await buildSite(root);
  const handler = await createGazetteHandler({ root, secret: SECRET });
  // The real limits are 10 s for headers and 15 s for the request, checked every second (pinned
  // below); this server has them ten times shorter, so the attack is seen in about a second.
  const server = createServeServer(handler, { headersMs: 1_000, requestMs: 1_500, checkEveryMs: 100 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = { port: (server.address() as AddressInfo).port };
  close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    handler.close();
    await cleanup();
  };
});
afterAll(() => close());

describe('attack: hold `gazette serve` connections open with slow headers (issue 12)', () => {
  it('gazette serve cuts headers at 10 s and requests at 15 s, checked every second', () => {
    const server = createServeServer(() => {});
    expect(HEADERS_TIMEOUT_MS).toBe(10_000);
    expect(REQUEST_TIMEOUT_MS).toBe(15_000);
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(15_000);
  });

  it('cuts a client that dribbles one header byte every 30 ms within the headers limit plus one check', async () => {
    const started = Date.now();
    let reply = '';
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = connect(url.port, '127.0.0.1');
      const header = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(200)}`;
      let i = 0;
      const drip = setInterval(() => {
        if (!socket.destroyed && i < header.length) socket.write(header[i++]!);
      }, 30);
      const guard = setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        reject(new Error('still open after 5 s'));
      }, 5_000);
      socket.on('error', () => {});
      socket.on('data', (d: Buffer) => (reply += d.toString())); // flowing, so the server's FIN is seen
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(guard);
        resolve(Date.now() - started);
      });
    });
    expect(closedAfter).toBeGreaterThanOrEqual(950);
    // The request limit (1.5 s) or a headers check; half a second more for a loaded machine's timers.
    expect(closedAfter).toBeLessThanOrEqual(2_000);
    expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
  });
});
