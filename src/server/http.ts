import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers on every response: nothing runs, nothing is framed elsewhere, nothing leaks. */
const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'SAMEORIGIN',
};

/** Web versions show images from the publication's site; no scripts anywhere. */
export const STATIC_CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; font-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
/** The unsubscribe pages: inline styles and a form posting back to this origin, nothing else. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface Reply {
  status: number;
  body?: string | Buffer;
  type?: string;
  headers?: Record<string, string>;
}

export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const body =
    reply.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(reply.body)
        ? reply.body
        : Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    ...BASE_HEADERS,
    'Content-Security-Policy': PAGE_CSP,
    'Content-Type': reply.type ?? 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
    ...reply.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function baseHeaders(): Record<string, string> {
  return { ...BASE_HEADERS };
}

export class BodyError extends Error {
  constructor(
    readonly status: 408 | 413 | 400,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a small request body: refuses more than `limit` bytes (413, before reading when
 * Content-Length says so) and gives up on a client that trickles (408). The handler is safe even
 * in a server whose own timeouts are loose.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(new BodyError(413, 'request body too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(new BodyError(408, 'request body timed out')), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (err) {
        // Stop reading but keep the socket open long enough to answer.
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(new BodyError(413, 'request body too large'));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = (err: Error) => finish(new BodyError(400, err.message));
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
