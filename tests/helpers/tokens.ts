import { createHmac } from 'node:crypto';

/** A `v1` unsubscribe token exactly as Gazette made them before v2 (emails already sent carry these). */
export function legacyV1Token(email: string, issue: string, secret: string): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
  const body = `v1.${b64(email.trim().toLowerCase())}.${b64(issue)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url')}`;
}

/** The hidden resubscribe token on an "unsubscribed" page, if it offers one. */
export function resubscribeTokenIn(html: string): string | undefined {
  return /name="resubscribe" value="([^"]+)"/.exec(html)?.[1];
}
