import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGazetteHandler } from '../../../src/server/handler.js';
import { createServeServer } from '../../../src/server/listen.js';
import { buildSite, sampleRoot, SECRET } from '../../helpers/site.js';

let url: { port: number };
let close: () => Promise<void>;
beforeAll(async () => {
  const { root, cleanup } = await sampleRoot();
  await buildSite(root);
  const handler = await createGazetteHandler({ root, secret: SECRET });
  const server = createServeServer(handler);
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
  it('cuts a client that dribbles one header byte every 300 ms within 10-15 s', async () => {
    const started = Date.now();
    let reply = '';
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = connect(url.port, '127.0.0.1');
      const header = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(200)}`;
      let i = 0;
      const drip = setInterval(() => {
        if (!socket.destroyed && i < header.length) socket.write(header[i++]!);
      }, 300);
      const guard = setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        reject(new Error('still open after 20 s'));
      }, 20_000);
      socket.on('error', () => {});
      socket.on('data', (d: Buffer) => (reply += d.toString())); // flowing, so the server's FIN is seen
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(guard);
        resolve(Date.now() - started);
      });
    });
    expect(closedAfter).toBeGreaterThanOrEqual(9_500);
    expect(closedAfter).toBeLessThanOrEqual(15_000);
    expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
  }, 25_000);
});
