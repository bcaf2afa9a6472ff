import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml as e } from '../render/merge.js';
import { verifyConfirmToken } from '../util/confirm-token.js';
import { methodNotAllowed, NO_STORE, PAGE_CSP, readBodyOrRefuse, send } from './http.js';
import { maskEmail, page } from './pages.js';
import type { SubscribeOptions } from './subscribe.js';

// The confirmation link. Link scanners (Outlook Safe Links, Barracuda, Mimecast...) fetch every
// GET in an email, so a GET never confirms: it answers a page whose form POSTs the token back,
// and a four-line script submits that form as soon as the page is shown to a person (visible), so
// the reader clicks once. Without JavaScript the button does it. Scanners that only fetch change
// nothing; the token is still good for its owner.
//
// A POST confirms when the token is genuine, unexpired, and newer than any later stop of the
// address (an old link cannot undo an unsubscribe, a bounce or a complaint). Repeats answer the
// same page and change nothing.

const SCRIPT =
  "document.addEventListener('DOMContentLoaded',function(){var f=document.getElementById('c');" +
  "function go(){if(document.visibilityState==='visible'&&!f.dataset.sent){f.dataset.sent='1';f.submit();}}" +
  "go();document.addEventListener('visibilitychange',go);});";
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const CONFIRM_CSP = `${PAGE_CSP}; script-src 'sha256-${SCRIPT_HASH}'`;
export async function handleConfirm(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  o: SubscribeOptions,
): Promise<void> {
  const method = req.method ?? 'GET';
  const token = url.searchParams.get('token') ?? '';
  if (method === 'GET' || method === 'HEAD') {
    const check = verifyConfirmToken(token, o.secret);
    if (!check.ok) return refuse(req, res, o, check.reason);
    const html = page({
      publication: o.publication,
      title: 'Confirm your subscription',
      body: [`Confirming <strong>${e(maskEmail(check.claims.email))}</strong>…`],
      form: { action: `?token=${encodeURIComponent(token)}`, fields: {}, label: 'Confirm my subscription' },
    })
      .replace('<form method="post"', '<form id="c" method="post"')
      .replace('</body>', () => `<script>${SCRIPT}</script>\n</body>`);
    return send(req, res, {
      status: 200,
      body: html,
      headers: { ...NO_STORE, 'Content-Security-Policy': CONFIRM_CSP },
    });
  }
  if (method !== 'POST') return methodNotAllowed(req, res, 'GET, HEAD, POST');
  // Nothing in the body is needed; it is bounded all the same.
  if (!(await readBodyOrRefuse(req, res, o.bodyLimit, o.bodyTimeoutMs))) return;
  const check = verifyConfirmToken(token, o.secret);
  if (!check.ok) return refuse(req, res, o, check.reason);
  const { email, issuedAt } = check.claims;
  const sub = await o.stores.subscribers.get(email);
  if (!sub) return refuse(req, res, o, 'invalid');
  if (sub.status !== 'confirmed') {
    const sup = await o.stores.suppressions.get(email);
    const stoppedAfter =
      (sup && Date.parse(sup.createdAt) > issuedAt) ||
      (sub.status !== 'pending' && Date.parse(sub.updatedAt) > issuedAt);
    if (stoppedAfter) return refuse(req, res, o, 'stale');
    await o.stores.subscribers.confirm(email, new Date().toISOString());
    // A fresh confirmation is the one thing that lifts an unsubscribe, a bounce, a complaint or a
    // forget; an operator's manual or imported suppression stays theirs to lift.
    if (sup && (['unsubscribe', 'bounce', 'complaint'].includes(sup.reason) || sup.email.startsWith('sha256:')))
      await o.stores.suppressions.remove(sup.email);
    o.log(`confirmed ${maskEmail(email)}`);
  }
  send(req, res, {
    status: 200,
    headers: NO_STORE,
    body: page({
      publication: o.publication,
      title: 'You are subscribed',
      body: [`<strong>${e(maskEmail(email))}</strong> will receive ${e(o.publication.name)}. Thank you!`],
    }),
  });
}

function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  o: SubscribeOptions,
  reason: 'invalid' | 'expired' | 'stale',
): void {
  const title = reason === 'expired' ? 'This confirmation link has expired' : 'This confirmation link is not valid';
  const why =
    reason === 'stale'
      ? 'It was sent before the address stopped its subscription.'
      : reason === 'expired'
        ? 'Links work for a limited time.'
        : 'It may have been cut short or changed.';
  send(req, res, {
    status: 400,
    headers: NO_STORE,
    body: page({ publication: o.publication, title, body: [`${e(why)} Sign up again to get a new one.`] }),
  });
}
