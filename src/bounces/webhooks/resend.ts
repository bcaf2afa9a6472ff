import { createHmac } from 'node:crypto';
import { at, type JsonObject, sameSecret, str } from './compare.js';
import type { WebhookEvent } from './events.js';

// Resend delivers webhooks through Svix: headers svix-id, svix-timestamp (Unix seconds) and
// svix-signature, a space-separated list of `v1,<base64>` entries, each a base64 HMAC-SHA256 of
// `id.timestamp.body` under the key that the secret `whsec_<base64>` encodes. One matching entry
// is enough (several appear while a secret is being rotated). Old timestamps are refused.

export const SVIX_TOLERANCE_S = 300;

export function svixVerified(
  headers: { id?: string; timestamp?: string; signature?: string },
  body: string,
  secret: string,
  now = Date.now(),
  toleranceS = SVIX_TOLERANCE_S,
): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  let ok = false;
  for (const entry of signature.split(' ')) {
    const [version, sig] = entry.split(',', 2);
    if (version === 'v1' && sig !== undefined && sameSecret(sig, expected)) ok = true;
  }
  return ok;
}

export function resendEvents(p: JsonObject, svixId: string): WebhookEvent[] {
  const to = at(p, 'data', 'to');
  const kind: WebhookEvent['kind'] | undefined =
    p.type === 'email.complained'
      ? 'complaint'
      : p.type === 'email.bounced'
        ? // Resend sends email.bounced for permanent rejections; a Transient type is counted as soft.
          at(p, 'data', 'bounce', 'type') === 'Transient'
          ? 'soft'
          : 'hard'
        : p.type === 'email.delivery_delayed'
          ? 'soft'
          : undefined;
  if (!kind || !Array.isArray(to)) return [];
  const id = `resend:${str(p, 'data', 'email_id') ?? svixId}`;
  return to.filter((a): a is string => typeof a === 'string').map((email) => ({ id, email, kind }));
}
