import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { loadEnv } from './env.js';
import { checkSecret } from './secret.js';
import { normalizeEmail } from './email.js';

// Unsubscribe tokens, `v2.<nonce|ciphertext|tag>` (base64url): the address and issue encrypted
// with AES-256-GCM under a key derived from GAZETTE_SECRET, so proxy and analytics logs that see
// the URL learn nothing. Stateless, and deterministic (the nonce is an HMAC of the plaintext, as
// in SIV), so a resumed send writes the same message. They never expire: one-click unsubscribe
// must keep working for every email ever sent. Old `v1.<email>.<issue>.<mac>` tokens (address in
// base64, HMAC-SHA256) are still accepted, never made.
// Resubscribe tokens, `r1.<...>`, are separate (their own key), carry an expiry, and are issued
// only by the request that just unsubscribed: a forwarded email cannot sign its reader up again.

export interface TokenClaims {
  email: string;
  issue: string;
}

export interface ResubscribeClaims extends TokenClaims {
  /** Expiry, ms since the epoch. */
  expires: number;
}

/** How long the "Resubscribe" button on the page after an unsubscribe works. */
export const RESUBSCRIBE_TTL_MS = 30 * 60 * 1000;

/** The secret from the environment, held to the secret policy (src/util/secret.ts). */
export function secretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return checkSecret(env.GAZETTE_SECRET ?? '');
}

/** GAZETTE_SECRET from the environment or `<root>/.env` when it passes the policy, else undefined. */
export function optionalSecret(root: string, env?: NodeJS.ProcessEnv): string | undefined {
  try {
    return secretFromEnv(loadEnv(root, env));
  } catch {
    return undefined;
  }
}

export function signToken(claims: TokenClaims, secret: string): string {
  return `v2.${seal(keysFor(secret).unsubscribe, [normalizeEmail(claims.email), claims.issue])}`;
}

/** The claims of a genuine token (v2, or a v1 from before), or undefined for a forged, altered or malformed one. */
export function verifyToken(token: string, secret: string): TokenClaims | undefined {
  if (typeof token !== 'string' || token.length > 1024) return undefined;
  const keys = keysFor(secret);
  if (token.startsWith('v2.')) {
    const fields = open(keys.unsubscribe, token.slice(3), 2);
    return fields && fields[0]!.includes('@') ? { email: fields[0]!, issue: fields[1]! } : undefined;
  }
  return verifyV1(token, secret);
}

export function signResubscribe(claims: TokenClaims, secret: string, now = Date.now()): string {
  const expires = now + RESUBSCRIBE_TTL_MS;
  return `r1.${seal(keysFor(secret).resubscribe, [normalizeEmail(claims.email), claims.issue, String(expires)])}`;
}

/** The claims of a genuine resubscribe token that has not expired. */
export function verifyResubscribe(token: string, secret: string, now = Date.now()): ResubscribeClaims | undefined {
  if (typeof token !== 'string' || token.length > 1024 || !token.startsWith('r1.')) return undefined;
  const fields = open(keysFor(secret).resubscribe, token.slice(3), 3);
  if (!fields) return undefined;
  const expires = Number(fields[2]);
  if (!Number.isSafeInteger(expires) || expires <= now) return undefined;
  return { email: fields[0]!, issue: fields[1]!, expires };
}

/** The per-recipient unsubscribe URL: the publication's endpoint with the token appended. */
export function unsubscribeUrl(endpoint: string, token: string): string {
  const u = new URL(endpoint);
  u.searchParams.set('token', token);
  return u.href;
}

interface Keys {
  unsubscribe: { enc: Buffer; iv: Buffer };
  resubscribe: { enc: Buffer; iv: Buffer };
}

const keyCache = new Map<string, Keys>();
function keysFor(secret: string): Keys {
  let keys = keyCache.get(secret);
  if (keys) return keys;
  checkSecret(secret, 'the token secret');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'gazette', info, 32));
  keys = {
    unsubscribe: { enc: derive('unsubscribe v2 enc'), iv: derive('unsubscribe v2 iv') },
    resubscribe: { enc: derive('resubscribe r1 enc'), iv: derive('resubscribe r1 iv') },
  };
  if (keyCache.size > 16) keyCache.clear();
  keyCache.set(secret, keys);
  return keys;
}

// Fields joined by NUL (never in an address or a slug); nonce = HMAC(plaintext), 96 bits.
function seal(key: { enc: Buffer; iv: Buffer }, fields: string[]): string {
  const plain = Buffer.from(fields.join('\0'), 'utf8');
  const nonce = createHmac('sha256', key.iv).update(plain).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', key.enc, nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
}

function open(key: { enc: Buffer; iv: Buffer }, sealed: string, count: number): string[] | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 12 + 16 + 1) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.enc, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    const fields = plain.toString('utf8').split('\0');
    return fields.length === count ? fields : undefined;
  } catch {
    return undefined;
  }
}

function verifyV1(token: string, secret: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
  const body = parts.slice(0, 3).join('.');
  const expected = Buffer.from(
    createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url'),
  );
  const given = Buffer.from(parts[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const email = unb64(parts[1]!);
  const issue = unb64(parts[2]!);
  if (!email || issue === undefined || !email.includes('@')) return undefined;
  return { email, issue };
}

function unb64(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  return Buffer.from(s, 'base64url').toString('utf8');
}
