import { createHmac, timingSafeEqual } from 'node:crypto';

// Confirmation tokens for double opt-in: `c1.<email>.<issued>.<expires>.<mac>` (email base64url,
// times in epoch ms, base 36). The MAC is an HMAC-SHA256 under GAZETTE_SECRET over a purpose
// prefix and the body, so an unsubscribe token can never pass as a confirmation (nor the other
// way round). `issued` lets the confirm step refuse a link older than a later unsubscribe,
// bounce or complaint (replaying an old link must not re-subscribe).

export interface ConfirmClaims {
  email: string;
  issuedAt: number;
  expiresAt: number;
}

export const CONFIRM_TTL_MS = 48 * 3600_000;

const PURPOSE = 'gazette-confirm-v1\0';

export function signConfirmToken(email: string, secret: string, now = Date.now(), ttlMs = CONFIRM_TTL_MS): string {
  const body = `c1.${Buffer.from(email, 'utf8').toString('base64url')}.${now.toString(36)}.${(now + ttlMs).toString(36)}`;
  return `${body}.${mac(body, secret)}`;
}

export type ConfirmCheck = { ok: true; claims: ConfirmClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Genuine and unexpired, or why not. Forged and malformed tokens are told apart from expired ones only by a genuine MAC. */
export function verifyConfirmToken(token: string, secret: string, now = Date.now()): ConfirmCheck {
  if (typeof token !== 'string' || token.length > 600) return { ok: false, reason: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'c1') return { ok: false, reason: 'invalid' };
  const body = parts.slice(0, 4).join('.');
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(parts[4]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const email = /^[A-Za-z0-9_-]+$/.test(parts[1]!) ? Buffer.from(parts[1]!, 'base64url').toString('utf8') : '';
  const issuedAt = Number.parseInt(parts[2]!, 36);
  const expiresAt = Number.parseInt(parts[3]!, 36);
  if (!email.includes('@') || !Number.isFinite(issuedAt) || !Number.isFinite(expiresAt))
    return { ok: false, reason: 'invalid' };
  if (now > expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { email, issuedAt, expiresAt } };
}

/** HMAC of a sign-up's IP for the consent record: provable later ("this IP"), unreadable now. */
export function hashIp(ip: string, secret: string): string {
  return createHmac('sha256', secret).update(`gazette-ip\0${ip}`).digest().subarray(0, 12).toString('base64url');
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(PURPOSE + body)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
