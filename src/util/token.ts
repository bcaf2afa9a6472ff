import { createHmac, timingSafeEqual } from 'node:crypto';
import { GazetteError } from './errors.js';

// Unsubscribe tokens: `v1.<email>.<issue>.<mac>`, each part base64url, the MAC an HMAC-SHA256 of
// the first three parts under GAZETTE_SECRET (truncated to 128 bits). A token names exactly
// one address, so it can never unsubscribe anyone else.

export interface TokenClaims {
  email: string;
  issue: string;
}

const MIN_SECRET_LENGTH = 16;

/** The secret from the environment; refuses to work without a real one. */
export function secretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.GAZETTE_SECRET ?? '';
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new GazetteError(secret ? 'GAZETTE_SECRET is too short' : 'GAZETTE_SECRET is not set', {
      code: 'config/no-secret',
      hint: `Set GAZETTE_SECRET (in the environment or <root>/.env) to a random string of at least ${MIN_SECRET_LENGTH} characters, e.g. \`openssl rand -hex 32\`. Keep it out of content/ and git; send and serve must use the same one.`,
    });
  }
  return secret;
}

export function signToken(claims: TokenClaims, secret: string): string {
  const body = `v1.${b64(claims.email.trim().toLowerCase())}.${b64(claims.issue)}`;
  return `${body}.${mac(body, secret)}`;
}

/** The claims of a genuine token, or undefined for a forged, altered or malformed one. */
export function verifyToken(token: string, secret: string): TokenClaims | undefined {
  if (typeof token !== 'string' || token.length > 1024) return undefined;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
  const body = parts.slice(0, 3).join('.');
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(parts[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const email = unb64(parts[1]!);
  const issue = unb64(parts[2]!);
  if (!email || issue === undefined || !email.includes('@')) return undefined;
  return { email, issue };
}

/** The per-recipient unsubscribe URL: the publication's endpoint with the token appended. */
export function unsubscribeUrl(endpoint: string, token: string): string {
  const u = new URL(endpoint);
  u.searchParams.set('token', token);
  return u.href;
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url');
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

function unb64(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  return Buffer.from(s, 'base64url').toString('utf8');
}
