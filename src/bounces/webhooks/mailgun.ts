import { createHmac } from 'node:crypto';
import { at, sameSecret, str } from './compare.js';
import type { WebhookEvent } from './events.js';

// Mailgun signs each webhook: signature = hex HMAC-SHA256(signing key, timestamp + token). A
// captured request stays valid forever unless we refuse old timestamps and tokens already used:
// the token cache covers the whole tolerance window, so a replay inside it is caught too.

export const MAILGUN_TOLERANCE_S = 300;

export function mailgunVerifier(signingKey: string, toleranceS = MAILGUN_TOLERANCE_S) {
  /** token -> [expiry (ms), event id]: a retry of the same delivery is not a replay. */
  const seen = new Map<string, [number, string]>();
  return (sig: unknown, eventId: string, now = Date.now()): 'ok' | 'repeat' | 'refused' => {
    const s = sig as { timestamp?: unknown; token?: unknown; signature?: unknown } | null;
    if (!s || typeof s.timestamp !== 'string' || typeof s.token !== 'string' || typeof s.signature !== 'string')
      return 'refused';
    const expected = createHmac('sha256', signingKey)
      .update(s.timestamp + s.token)
      .digest('hex');
    if (!sameSecret(expected, s.signature.toLowerCase())) return 'refused';
    if (!/^\d+$/.test(s.timestamp) || Math.abs(now / 1000 - Number(s.timestamp)) > toleranceS) return 'refused';
    for (const [t, [expiry]] of seen) {
      if (expiry > now) break;
      seen.delete(t);
    }
    const had = seen.get(s.token);
    if (had) return had[1] === eventId ? 'repeat' : 'refused';
    seen.set(s.token, [now + 2 * toleranceS * 1000, eventId]);
    return 'ok';
  };
}

export function mailgunEvents(data: unknown): WebhookEvent[] {
  const email = str(data, 'recipient');
  if (!email) return [];
  const id = `mailgun:${str(data, 'id') ?? ''}`;
  const code = str(data, 'delivery-status', 'enhanced-code') ?? str(data, 'delivery-status', 'code');
  const status = code && /^\d\.\d+\.\d+$/.test(code) ? code : undefined;
  const event = at(data, 'event');
  if (event === 'complained') return [{ id, email, kind: 'complaint' }];
  if (event !== 'failed') return [];
  return [{ id, email, kind: at(data, 'severity') === 'permanent' ? 'hard' : 'soft', status }];
}
