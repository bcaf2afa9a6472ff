import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { writeResponse } from '../server/http.js';

// How the preview server answers: no caching, no sniffing, no referrer; pages under a nonce CSP.

export function reply(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  writeResponse(
    res,
    status,
    {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...headers,
    },
    body,
  );
}

export function notFound(res: ServerResponse): void {
  reply(
    res,
    404,
    'text/plain; charset=utf-8',
    'Not found. The preview serves /, /issues/<slug>/, /archive/ (the archive and feed.xml) and /assets/<file>.',
  );
}

export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  };
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export function decodeSegment(seg: string): string | undefined {
  try {
    return decodeURIComponent(seg).normalize('NFC');
  } catch {
    return undefined;
  }
}
