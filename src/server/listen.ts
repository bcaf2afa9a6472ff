import { createServer, type RequestListener, type Server } from 'node:http';

/** Headers must arrive within this long, whole requests within REQUEST_TIMEOUT_MS (DESIGN: 10-15 s). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 15_000;

export interface ServeTimeouts {
  headersMs?: number;
  requestMs?: number;
  /** How often Node looks for connections past those limits. */
  checkEveryMs?: number;
}

/**
 * The HTTP server `gazette serve` runs the handler in. Bad clients must not hold it: Node checks
 * headersTimeout and requestTimeout only every `connectionsCheckingInterval` (30 s by default),
 * so a client dribbling one header byte at a time lived ~40 s; checking every second cuts it at
 * 10-11 s. `timeouts` exists for tests, which check the same behaviour in a tenth of the time.
 */
export function createServeServer(handler: RequestListener, timeouts: ServeTimeouts = {}): Server {
  const server = createServer(
    {
      requestTimeout: timeouts.requestMs ?? REQUEST_TIMEOUT_MS,
      headersTimeout: timeouts.headersMs ?? HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: timeouts.checkEveryMs ?? 1_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16_384,
    },
    handler,
  );
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
