import { createVerify, X509Certificate } from 'node:crypto';
import { get } from 'node:https';
import { at, jsonObject, str } from './compare.js';
import type { WebhookEvent } from './events.js';

// Amazon SES notifications arrive through SNS. Every SNS message is signed with the key of a
// certificate that SNS publishes at SigningCertURL; we fetch that certificate only over https
// from a host of the form sns.<region>.amazonaws.com (anyone can sign a message with a
// certificate of their own, so the URL is the trust anchor), check it is in date, and verify the
// signature over SNS's canonical string: SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2.
// A valid signature proves only that some SNS topic sent it, so the topic must also be listed.

export const SNS_CERT_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com$/;

export interface SnsTrust {
  /** Hosts SigningCertURL and SubscribeURL may name. Production: SNS_CERT_HOST; tests pass their own. */
  certificateHost: RegExp;
  /** Extra CA for the https fetches (tests only: the local server's self-signed certificate). */
  ca?: string;
}

export interface SnsMessage {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
}

const SIGNED: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The string SNS signs: `Name\nvalue\n` for each signed field present, in its fixed order. */
export function canonicalString(m: SnsMessage): string | undefined {
  const names = SIGNED[m.Type];
  if (!names) return undefined;
  let out = '';
  for (const n of names) {
    const v = (m as unknown as Record<string, unknown>)[n];
    if (v === undefined && n === 'Subject') continue;
    if (typeof v !== 'string') return undefined;
    out += `${n}\n${v}\n`;
  }
  return out;
}

/** An https URL on an allowed host, or undefined. */
export function trustedUrl(url: unknown, trust: SnsTrust): URL | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password && trust.certificateHost.test(u.hostname)
      ? u
      : undefined;
  } catch {
    return undefined;
  }
}

/** GET over https with a size cap and a timeout (the certificate, the subscription confirmation). */
export function httpsGet(url: URL, trust: SnsTrust, limit = 65_536): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ca: trust.ca, timeout: 5_000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${url.host} answered ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) req.destroy(new Error('answer too large'));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** Verifies SNS messages; certificates are fetched once per URL and kept (SNS rotates them rarely). */
export function snsVerifier(trust: SnsTrust) {
  const certs = new Map<string, Promise<X509Certificate>>();
  const certificate = (url: URL) => {
    let c = certs.get(url.href);
    if (!c) {
      if (certs.size >= 32) certs.delete(certs.keys().next().value!);
      c = httpsGet(url, trust).then((pem) => new X509Certificate(pem));
      // A failed fetch is not remembered: the next message tries again.
      c.catch(() => certs.delete(url.href));
      certs.set(url.href, c);
    }
    return c;
  };
  return async (m: SnsMessage, now = Date.now()): Promise<boolean> => {
    const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
    const canonical = canonicalString(m);
    const url = trustedUrl(m.SigningCertURL, trust);
    if (!algorithm || canonical === undefined || !url || typeof m.Signature !== 'string') return false;
    let cert: X509Certificate;
    try {
      cert = await certificate(url);
    } catch {
      return false;
    }
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return false;
    return createVerify(algorithm).update(canonical, 'utf8').verify(cert.publicKey, m.Signature, 'base64');
  };
}

export function isSnsMessage(v: unknown): v is SnsMessage {
  const m = v as Record<string, unknown> | null;
  return (
    !!m &&
    typeof m === 'object' &&
    ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL'].every(
      (k) => typeof m[k] === 'string',
    )
  );
}

/** The events of an SES notification (bounce or complaint; deliveries and the rest: none). */
export function sesEvents(message: string, snsId: string): WebhookEvent[] {
  const n = jsonObject(message);
  const type = str(n, 'notificationType') ?? str(n, 'eventType');
  const out: WebhookEvent[] = [];
  const push = (list: unknown, kind: WebhookEvent['kind'], id: string) => {
    for (const r of Array.isArray(list) ? list : []) {
      const email = str(r, 'emailAddress');
      if (email) out.push({ id, email, kind, status: str(r, 'status') });
    }
  };
  if (type === 'Bounce') {
    // Permanent: the address is dead. Transient (mailbox full, too large, throttled) and
    // Undetermined count as soft bounces.
    const kind = at(n, 'bounce', 'bounceType') === 'Permanent' ? 'hard' : 'soft';
    push(at(n, 'bounce', 'bouncedRecipients'), kind, str(n, 'bounce', 'feedbackId') ?? snsId);
  } else if (type === 'Complaint' && at(n, 'complaint', 'complaintFeedbackType') !== 'not-spam') {
    push(at(n, 'complaint', 'complainedRecipients'), 'complaint', str(n, 'complaint', 'feedbackId') ?? snsId);
  }
  return out;
}
