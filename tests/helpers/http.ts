import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createGazetteHandler, type GazetteHandler, type GazetteHandlerOptions } from '../../src/server/handler.js';
import { buildSite, sampleRoot, SECRET } from './site.js';

export interface Served {
  url: string;
  handler: GazetteHandler;
  server: Server;
  close(): Promise<void>;
}

/** The Gazette handler in a real server on 127.0.0.1, a free port. */
export async function serveRoot(options: GazetteHandlerOptions): Promise<Served> {
  const handler = await createGazetteHandler(options);
  const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handler,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          handler.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request exactly as written (fetch normalizes paths such as `/..%2f..`; this does not). */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes `data` on a fresh TCP connection and returns everything the server sent until it closed. */
export function rawSocket(url: string, data: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(data));
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (c: Buffer) => (received += c.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** A built copy of the sample publication, served; `close()` stops the server and removes the copy. */
export async function servedSample(options: Partial<GazetteHandlerOptions> = {}): Promise<Served & { root: string }> {
  const { root, cleanup } = await sampleRoot();
  await buildSite(root);
  const served = await serveRoot({ root, secret: SECRET, ...options });
  return {
    ...served,
    root,
    close: async () => {
      await served.close();
      await cleanup();
    },
  };
}
