import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizeEmail } from './email.js';

// VERP (variable envelope return path): each message's envelope sender names its recipient,
// `bounces+<token>@domain`, so a bounce that quotes nothing of the original still says whom it is
// about by the address it was delivered to. The token is the address (base64url) and an HMAC
// under the secret: a stranger cannot make one up for an address of their choice.

/** RFC 5321's limit on a local part; longer ones are refused by some receivers. */
const MAX_LOCAL_PART = 64;

/** `<address as base64url>.<11-character signature>`. */
export function verpToken(email: string, secret: string): string {
  const e = Buffer.from(normalizeEmail(email), 'utf8').toString('base64url');
  return `${e}.${createHmac('sha256', secret).update(`gazette-verp\0${e}`).digest().subarray(0, 8).toString('base64url')}`;
}

/** The recipient a VERP address names (any local part before the `+`), when its signature holds. */
export function verpAddress(address: string, secret: string): string | undefined {
  const m = /^[^+@\s]+\+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{11})@/i.exec(address);
  if (!m) return undefined;
  const email = Buffer.from(m[1]!, 'base64url').toString('utf8');
  const expected = Buffer.from(verpToken(email, secret).split('.')[1]!);
  const given = Buffer.from(m[2]!);
  return given.length === expected.length && timingSafeEqual(given, expected) ? email : undefined;
}

/**
 * The envelope sender for `email` given the publication's `returnPath` (`bounces@domain`):
 * `bounces+<token>@domain`. When that local part would pass 64 characters (a long address), the
 * plain returnPath is used: its bounces are still matched by Message-ID and original headers.
 */
export function verpReturnPath(returnPath: string, email: string, secret: string): string {
  const at = returnPath.lastIndexOf('@');
  const local = `${returnPath.slice(0, at)}+${verpToken(email, secret)}`;
  return local.length <= MAX_LOCAL_PART ? `${local}${returnPath.slice(at)}` : returnPath;
}
