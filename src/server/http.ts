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

/**
 * Writes a whole response, for both servers (gazette serve and the preview): header names are
 * folded to lower case so that a later one replaces an earlier one whatever its case (a page's own
 * Content-Security-Policy replaces the default, never goes out beside it), Content-Length is set,
 * a HEAD request gets no body, and a response already started is left alone.
 */
export function writeResponse(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Uint8Array = '',
): void {
  if (res.headersSent) return;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  out['content-length'] = String(bytes.length);
  res.writeHead(status, out);
  res.end(res.req?.method === 'HEAD' ? undefined : bytes);
}

export function send(_req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  writeResponse(
    res,
    reply.status,
    {
      ...BASE_HEADERS,
      'Content-Security-Policy': PAGE_CSP,
      'Content-Type': reply.type ?? 'text/html; charset=utf-8',
      ...reply.headers,
    },
    reply.body,
  );
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

/** Endpoint replies that depend on the request (tokens, sign-ups) must never come from a cache. */
export const NO_STORE: Record<string, string> = { 'Cache-Control': 'no-store' };

/** 405 for a method an endpoint does not take, naming the ones it does; never cached. */
export function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  send(req, res, {
    status: 405,
    body: 'Method not allowed\n',
    type: 'text/plain; charset=utf-8',
    headers: { Allow: allow, ...NO_STORE },
  });
}

/**
 * The request body (readBody), or undefined once a body that cannot be read was answered: 413 too
 * large, 408 too slow, 400 broken, as plain text on a connection then closed, never cached.
 */
export async function readBodyOrRefuse(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  try {
    return await readBody(req, limit, timeoutMs);
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    send(req, res, {
      status: err.status,
      body: `${err.message}\n`,
      type: 'text/plain; charset=utf-8',
      headers: { Connection: 'close', ...NO_STORE },
    });
    return undefined;
  }
}
