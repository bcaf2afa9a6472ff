import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml as e } from '../render/merge.js';
import { checkAddress } from '../send/address.js';
import type { BuildCache } from '../cache/build-cache.js';
import type { Transport } from '../send/transport.js';
import type { SubscriberStores } from '../store/subscriber-store.js';
import type { Publication } from '../types.js';
import { CONFIRM_TTL_MS, hashIp, signConfirmToken } from '../util/confirm-token.js';
import { cleanName, composeConfirmEmail } from './confirm-email.js';
import { methodNotAllowed, NO_STORE, readBodyOrRefuse, send } from './http.js';
import { maskEmail, page } from './pages.js';
import { rateLimit } from './rate-limit.js';

// Double opt-in sign-up: POST <subscribeUrl path> with `email` (and optional `name`), as a form
// or JSON. Every well-formed request gets the same "check your inbox" answer, at once, whether
// the address is new, pending, confirmed or stopped: the work (store, email) happens after the
// answer, so neither the text nor the timing tells a visitor anything about an address.

export interface SubscribeOptions {
  root: string;
  publication: Publication;
  secret: string;
  stores: SubscriberStores;
  /** Undefined: no SMTP configured; sign-ups are recorded and the error logged. */
  transport: () => Transport | undefined;
  confirmUrl: string;
  bodyLimit: number;
  bodyTimeoutMs: number;
  log: (line: string) => void;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
  /** Origins whose pages may post the form (besides this server's own). */
  origins: Set<string>;
  /** Background work, for tests and shutdown. */
  track: (p: Promise<unknown>) => void;
  ttlMs?: number;
  limits?: Limits;
  /** The confirmation email's theme and compiled HTML, kept for the server's run. */
  cache: BuildCache;
}

export interface Limits {
  /** Sign-up requests per client IP. */
  ip: ReturnType<typeof rateLimit>;
  /** Confirmation emails per address: a short and a daily window. */
  addressShort: ReturnType<typeof rateLimit>;
  addressDay: ReturnType<typeof rateLimit>;
}

export function defaultLimits(): Limits {
  return {
    ip: rateLimit(10, 10 * 60_000),
    addressShort: rateLimit(1, 10 * 60_000),
    addressDay: rateLimit(3, 24 * 3600_000),
  };
}

export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')[0]!
        .trim()
    : '';
  return forwarded || req.socket.remoteAddress || 'unknown';
}

/** A cross-site page may not post: the Origin must be ours or listed (no Origin: not a browser form). */
export function originAllowed(req: IncomingMessage, origins: Set<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (origins.has(origin)) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

export function bodyType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/** Form or JSON fields as strings; anything else yields none. */
export function parseFields(req: IncomingMessage, body: Buffer): Map<string, string> | undefined {
  const type = bodyType(req);
  if (type === 'application/x-www-form-urlencoded') return new Map(new URLSearchParams(body.toString('utf8')));
  if (type === 'application/json') {
    try {
      const v = JSON.parse(body.toString('utf8')) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return new Map();
      return new Map(Object.entries(v).filter((x): x is [string, string] => typeof x[1] === 'string'));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  o: SubscribeOptions,
  status: number,
  title: string,
  text: string,
) {
  if (bodyType(req) === 'application/json' || String(req.headers.accept ?? '').startsWith('application/json'))
    return send(req, res, {
      status,
      body: JSON.stringify({ ok: status < 400, message: `${title}. ${text}` }),
      type: 'application/json; charset=utf-8',
      headers: NO_STORE,
    });
  send(req, res, { status, body: page({ publication: o.publication, title, body: [e(text)] }), headers: NO_STORE });
}

export async function handleSubscribe(req: IncomingMessage, res: ServerResponse, o: SubscribeOptions): Promise<void> {
  if (req.method === 'GET' || req.method === 'HEAD')
    return send(req, res, { status: 200, body: formPage(o), headers: NO_STORE });
  if (req.method !== 'POST') return methodNotAllowed(req, res, 'GET, HEAD, POST');
  const limits = (o.limits ??= defaultLimits());
  if (!originAllowed(req, o.origins))
    return answer(req, res, o, 403, 'Sign-up refused', 'This form may only be sent from the publication’s own pages.');
  const ip = clientIp(req, o.trustProxy);
  if (!limits.ip.hit(ip))
    return answer(req, res, o, 429, 'Too many attempts', 'Please wait a few minutes and try again.');
  const body = await readBodyOrRefuse(req, res, o.bodyLimit, o.bodyTimeoutMs);
  if (!body) return;
  const fields = parseFields(req, body);
  if (!fields) return answer(req, res, o, 415, 'Not a sign-up', 'Send the form (or JSON with an "email" field).');
  const check = checkAddress(fields.get('email') ?? '');
  if (!check.ok) return answer(req, res, o, 400, 'That is not an email address', 'Check the address and try again.');
  const done = () =>
    answer(
      req,
      res,
      o,
      200,
      'Check your inbox',
      'If the address can receive our emails, a message with a confirmation link is on its way. Follow it to start your subscription.',
    );
  // The honeypot: a field people never see. Bots that fill it get the same answer and nothing else.
  if ((fields.get('website') ?? '') !== '') {
    o.log('sign-up ignored (honeypot field filled)');
    return done();
  }
  done();
  o.track(
    signUp(o, limits, check.email, cleanName(fields.get('name')), hashIp(ip, o.secret)).catch((err: unknown) =>
      o.log(`sign-up of ${maskEmail(check.email)} failed: ${(err as Error).message}`),
    ),
  );
}

async function signUp(o: SubscribeOptions, limits: Limits, email: string, name: string, ipHash: string): Promise<void> {
  const outcome = await o.stores.subscribers.signUp({
    email,
    fields: name ? { name } : {},
    consent: { source: 'form', at: new Date().toISOString(), ipHash },
  });
  // Issued after the store's write: the confirm step compares it with the row's later changes.
  const now = Date.now();
  const masked = maskEmail(email);
  if (outcome === 'confirmed') return o.log(`sign-up of ${masked}: already confirmed, nothing sent`);
  if (!limits.addressShort.hit(email, now) || !limits.addressDay.hit(email, now))
    return o.log(`sign-up of ${masked}: a confirmation was sent recently, nothing sent`);
  const transport = o.transport();
  if (!transport) return o.log(`sign-up of ${masked}: no SMTP_URL, cannot send the confirmation`);
  const ttlMs = o.ttlMs ?? CONFIRM_TTL_MS;
  const url = new URL(o.confirmUrl);
  url.searchParams.set('token', signConfirmToken(email, o.secret, now, ttlMs));
  const message = await composeConfirmEmail({
    root: o.root,
    publication: o.publication,
    to: email,
    name,
    confirmUrl: url.href,
    ttlHours: Math.round(ttlMs / 3600_000),
    cache: o.cache,
  });
  const delivery = await transport.send(message);
  o.log(
    `sign-up of ${masked}: confirmation ${delivery.ok ? 'sent' : `not sent (${delivery.smtpCode ?? delivery.errorCode})`}`,
  );
}

function formPage(o: SubscribeOptions): string {
  return page({
    publication: o.publication,
    title: `Subscribe to ${o.publication.name}`,
    body: [
      `<form method="post"><label>Email <input type="email" name="email" required autocomplete="email"></label><br>` +
        `<label>Name (optional) <input type="text" name="name" maxlength="80" autocomplete="name"></label>` +
        `<span style="position:absolute;left:-9999px" aria-hidden="true"><input type="text" name="website" tabindex="-1" autocomplete="off"></span><br>` +
        `<button type="submit">Subscribe</button></form>`,
    ],
  });
}
