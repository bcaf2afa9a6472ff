import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml as e } from '../render/merge.js';
import type { SuppressionList } from '../store/suppression.js';
import type { SubscriberStore } from '../store/subscribers.js';
import {
  RESUBSCRIBE_TTL_MS,
  signResubscribe,
  verifyResubscribe,
  verifyToken,
  type TokenClaims,
} from '../util/token.js';
import type { Publication } from '../types.js';
import { methodNotAllowed, NO_STORE, readBodyOrRefuse, send } from './http.js';
import { maskEmail, page } from './pages.js';

export interface UnsubscribeOptions {
  publication: Publication;
  secret: string;
  suppressions: SuppressionList;
  bodyLimit: number;
  bodyTimeoutMs: number;
  log: (line: string) => void;
  /** The subscriber store: its state follows the unsubscribe (absent: the suppression list only). */
  subscribers?: SubscriberStore;
}

// RFC 8058 one-click unsubscribe. A GET only shows a page (link scanners and prefetchers fetch
// every GET); a POST with a genuine token unsubscribes: the mail provider's
// `List-Unsubscribe=One-Click` or the page's button. No cookies, no redirects, 200 on success and
// on repeats, 400 for a token that is missing, malformed or forged (nothing changes then).
// Resubscribing takes a separate, expiring token that only the POST which just unsubscribed hands
// out (the "undo" button): an unsubscribe link in a forwarded email cannot sign anyone up again.
export async function handleUnsubscribe(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  o: UnsubscribeOptions,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') {
    const claims = verifyToken(url.searchParams.get('token') ?? '', o.secret);
    if (!claims) return invalid(req, res, o);
    const suppressed = o.suppressions.has(claims.email);
    return reply(req, res, 200, suppressed ? unsubscribedPage(o, claims) : confirmPage(o, claims, url));
  }
  if (method !== 'POST') return methodNotAllowed(req, res, 'GET, HEAD, POST');
  const body = await readBodyOrRefuse(req, res, o.bodyLimit, o.bodyTimeoutMs);
  if (!body) return;
  const form = formFields(req, body);
  if (form.get('action') === 'resubscribe') {
    const again = verifyResubscribe(form.get('resubscribe') ?? '', o.secret);
    if (!again) return expired(req, res, o);
    // Only an unsubscribe is undone here; a bounce or a complaint (even one that arrived since)
    // needs a fresh confirmation.
    const reason = o.suppressions.get(again.email)?.reason;
    if (reason && reason !== 'unsubscribe')
      return reply(
        req,
        res,
        409,
        page({
          publication: o.publication,
          title: 'Please sign up again',
          body: [
            `Mail to <strong>${e(maskEmail(again.email))}</strong> was stopped for another reason than this link. Sign up again: a confirmation email will be sent to the address.`,
          ],
        }),
      );
    if (o.suppressions.remove(again.email)) o.log(`resubscribed ${maskEmail(again.email)} (issue ${again.issue})`);
    if ((await o.subscribers?.get(again.email))?.status === 'unsubscribed')
      await o.subscribers?.setStatus(again.email, 'confirmed');
    return reply(
      req,
      res,
      200,
      page({
        publication: o.publication,
        title: 'You are subscribed again',
        body: [
          `<strong>${e(maskEmail(again.email))}</strong> will receive emails from ${e(o.publication.name)} again.`,
        ],
      }),
    );
  }
  const claims = verifyToken(url.searchParams.get('token') ?? form.get('token') ?? '', o.secret);
  if (!claims) return invalid(req, res, o);
  // The store follows (a bounce or a complaint is not softened into an unsubscribe).
  const status = (await o.subscribers?.get(claims.email))?.status;
  if (status === 'confirmed' || status === 'pending') await o.subscribers?.setStatus(claims.email, 'unsubscribed');
  if (!o.suppressions.add(claims.email, 'unsubscribe', claims.issue))
    return reply(req, res, 200, unsubscribedPage(o, claims));
  o.log(`unsubscribed ${maskEmail(claims.email)} (issue ${claims.issue})`);
  return reply(
    req,
    res,
    200,
    unsubscribedPage(o, claims, { action: selfAction(url), token: signResubscribe(claims, o.secret) }),
  );
}

function confirmPage(o: UnsubscribeOptions, claims: TokenClaims, url: URL): string {
  return page({
    publication: o.publication,
    title: `Unsubscribe from ${o.publication.name}?`,
    body: [`<strong>${e(maskEmail(claims.email))}</strong> will stop receiving emails from ${e(o.publication.name)}.`],
    form: { action: selfAction(url), fields: { action: 'unsubscribe' }, label: 'Unsubscribe' },
  });
}

/** With `undo` (only right after the unsubscribe itself): a button that resubscribes for a while. */
function unsubscribedPage(
  o: UnsubscribeOptions,
  claims: TokenClaims,
  undo?: { action: string; token: string },
): string {
  const signUp = subscribeUrlOf(o.publication);
  return page({
    publication: o.publication,
    title: 'You are unsubscribed',
    body: [
      `<strong>${e(maskEmail(claims.email))}</strong> will receive no more emails from ${e(o.publication.name)}.`,
      ...(!undo && signUp ? [`To subscribe again, sign up at <a href="${e(signUp)}">${e(signUp)}</a>.`] : []),
    ],
    form: undo && {
      action: undo.action,
      fields: { action: 'resubscribe', resubscribe: undo.token },
      label: 'Resubscribe',
      note: `Unsubscribed by mistake? The button above signs you up again (for the next ${RESUBSCRIBE_TTL_MS / 60_000} minutes).`,
    },
  });
}

function expired(req: IncomingMessage, res: ServerResponse, o: UnsubscribeOptions): void {
  const signUp = subscribeUrlOf(o.publication);
  reply(
    req,
    res,
    400,
    page({
      publication: o.publication,
      title: 'This resubscribe button has expired',
      body: [
        signUp
          ? `To subscribe again, sign up at <a href="${e(signUp)}">${e(signUp)}</a>.`
          : 'To subscribe again, reply to one of our emails and ask.',
      ],
    }),
  );
}

function invalid(req: IncomingMessage, res: ServerResponse, o: UnsubscribeOptions): void {
  const mailto = o.publication.unsubscribeMailto;
  reply(
    req,
    res,
    400,
    page({
      publication: o.publication,
      title: 'This unsubscribe link is not valid',
      body: [
        'The link may have been cut short or changed. Open it again from the email, copying the whole address.',
        mailto
          ? `You can also write to <a href="mailto:${e(mailto)}">${e(mailto)}</a> to unsubscribe.`
          : `You can also reply to the email and ask to be unsubscribed.`,
      ],
    }),
  );
}

/** The form posts back to this very URL (relative, so it survives reverse proxies and base paths). */
function selfAction(url: URL): string {
  return `?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`;
}

/** Fields of a urlencoded body (the page's form, Gmail and Yahoo); other encodings carry none we need. */
function formFields(req: IncomingMessage, body: Buffer): URLSearchParams {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  return type === 'application/x-www-form-urlencoded'
    ? new URLSearchParams(body.toString('utf8'))
    : new URLSearchParams();
}

function reply(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  send(req, res, { status, body: html, headers: NO_STORE });
}

/** publication.yml's `subscribeUrl` (DESIGN §10), when the publication has one. */
function subscribeUrlOf(p: Publication): string | undefined {
  const url = (p as { subscribeUrl?: unknown }).subscribeUrl;
  return typeof url === 'string' && url.startsWith('https://') ? url : undefined;
}
