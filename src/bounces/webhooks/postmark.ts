import { type JsonObject, sameSecret, str } from './compare.js';
import type { WebhookEvent } from './events.js';

// Postmark does not sign its webhooks; it documents HTTP basic auth in the webhook URL
// (https://user:password@host/path) as the way to authenticate them, over https. The configured
// credentials are `user:password`; the request's Authorization header must carry exactly those.

export function postmarkAuthorized(authorization: string | undefined, credentials: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!m) return false;
  return sameSecret(Buffer.from(m[1]!, 'base64').toString('utf8'), credentials);
}

// Bounce types (Postmark's TypeCode names): hard ones name a dead address, soft ones a passing
// failure; the rest (auto-responders, challenge mails, blocked, ...) say nothing about the address.
const HARD = new Set(['HardBounce', 'BadEmailAddress']);
const SOFT = new Set(['SoftBounce', 'Transient', 'DnsError']);

export function postmarkEvents(p: JsonObject): WebhookEvent[] {
  const email = str(p, 'Email');
  const type = str(p, 'Type') ?? '';
  if (!email) return [];
  const id = `postmark:${str(p, 'ID') ?? str(p, 'MessageID') ?? ''}`;
  if (p.RecordType === 'SpamComplaint' || type === 'SpamComplaint') return [{ id, email, kind: 'complaint' }];
  if (p.RecordType !== 'Bounce') return [];
  if (HARD.has(type)) return [{ id, email, kind: 'hard' }];
  if (SOFT.has(type)) return [{ id, email, kind: 'soft' }];
  return [];
}
