import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkAddress } from '../send/address.js';
import { sendTestCopy } from '../send/test-send.js';
import { readBody } from '../server/http.js';
import { loadEnv } from '../util/env.js';
import { DiagnosticsError, formatDiagnostic, GazetteError } from '../util/errors.js';
import type { PreviewAccess } from './access.js';
import { notFound, reply } from './reply.js';
import type { PreviewSession } from './session.js';
import { SAMPLE_SUBSCRIBER } from './subscribers.js';
import { composeEml } from './test-message.js';
import type { Viewer } from './viewer.js';

const MAX_POST_BYTES = 4096;
const SEND_TEST_TIMEOUT_MS = 60_000;

export interface SendTestContext {
  root: string;
  env?: NodeJS.ProcessEnv;
  session: PreviewSession;
  viewer: Viewer;
  access: PreviewAccess;
  log: (line: string) => void;
}

/** The smtpConfigured check of the page and of the route: SMTP_URL in the environment or .env. */
export function smtpConfigured(root: string, env?: NodeJS.ProcessEnv): boolean {
  return !!loadEnv(root, env).SMTP_URL;
}

/** POST /issues/<slug>/send-test: one personalized copy through sendTestCopy, answered as JSON. */
export async function sendTestRoute(
  { root, env: baseEnv, session, viewer, access, log }: SendTestContext,
  req: IncomingMessage,
  res: ServerResponse,
  slug: string,
): Promise<void> {
  const json = (status: number, body: object) =>
    reply(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
  // A JSON content type forces a CORS preflight, which this server never grants: other sites
  // cannot make a visitor's browser send mail. The Origin, when given, must be one of this
  // server's own origins (not whatever the request's Host says).
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return json(415, { ok: false, message: 'Send JSON: {"to": "you@example.org"}.' });
  if (!access.originAllowed(req)) return json(403, { ok: false, message: 'Cross-origin request refused.' });
  let body: { to?: unknown; sub?: unknown };
  try {
    body = JSON.parse((await readBody(req, MAX_POST_BYTES, 10_000)).toString('utf8'));
  } catch {
    return json(400, { ok: false, message: 'The request body is not JSON (or is too large).' });
  }
  const to = typeof body.to === 'string' ? body.to.trim() : '';
  // The same address rules as `gazette send`, which the test is handed to.
  const address = checkAddress(to);
  if (!address.ok)
    return json(400, {
      ok: false,
      message: `"${to}" is not an email address that Gazette sends to: it ${address.reason}.`,
    });
  if (!session.view(slug)) return json(404, { ok: false, message: `No issue "${slug}".` });
  if (!smtpConfigured(root, baseEnv))
    return json(409, {
      ok: false,
      message:
        'No SMTP server is configured: set SMTP_URL in the environment or in .env in the root, or use "Download .eml".',
    });
  log(`sending a test of ${slug} to ${to}`);
  const view = session.view(slug);
  try {
    const env = loadEnv(root, baseEnv);
    // A stale view is the last good build of a now broken issue: build it again, so the
    // errors are reported instead of an old version being sent.
    const report = await sendTestCopy({
      root,
      issue: view?.rendered && !view.stale ? view.rendered : slug,
      to: [to],
      // The fields of the "View as" subscriber: the copy says what the page shows.
      subscriber:
        viewer.subscriberFor(
          typeof body.sub === 'string' ? viewer.pageState(new URLSearchParams({ sub: body.sub })).sub : 'sample',
        )?.fields ?? SAMPLE_SUBSCRIBER.fields,
      smtpUrl: env.SMTP_URL,
      env,
      signal: AbortSignal.timeout(SEND_TEST_TIMEOUT_MS),
    });
    const d = report.results[0]!.delivery;
    if (d.ok)
      return json(200, {
        ok: true,
        message: `Sent a test of "${slug}" to ${to}.`,
        output: `via ${report.transport}: ${d.response}`,
      });
    const message =
      d.errorCode === 'ETIMEDOUT' && d.response === 'gave up waiting for the server'
        ? `The SMTP server did not answer within ${SEND_TEST_TIMEOUT_MS / 1000} s.`
        : `The SMTP server refused the test (${d.smtpCode ?? d.errorCode}).`;
    json(502, { ok: false, message, output: d.response });
  } catch (err) {
    const lines =
      err instanceof DiagnosticsError
        ? err.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic)
        : [err instanceof GazetteError ? formatDiagnostic(err.toDiagnostic()) : String(err)];
    json(502, { ok: false, message: `The test of "${slug}" was not sent.`, output: lines.join('\n') });
  }
}

/** GET /issues/<slug>/test.eml: the personalized message as a file, for when no SMTP is set. */
export async function emlRoute(
  { session, viewer }: SendTestContext,
  res: ServerResponse,
  slug: string,
  query: URLSearchParams,
): Promise<void> {
  await session.settled();
  const r = session.view(slug)?.rendered;
  if (!r) return notFound(res);
  const sub = viewer.pageState(query).sub === 'raw' ? 'sample' : viewer.pageState(query).sub;
  const s = viewer.subscriberFor(sub)!;
  // Never trust a row: only a plain, valid address goes into To (rows are also checked when read).
  if (s.email && !checkAddress(s.email).ok)
    return reply(res, 400, 'text/plain; charset=utf-8', 'Not an email address.');
  const eml = await composeEml({
    rendered: r,
    to: s.email || SAMPLE_SUBSCRIBER.email,
    html: viewer.personalize(r, sub, 'html'),
    text: viewer.personalize(r, sub, 'text'),
    unsubscribeUrl: viewer.unsubscribeFor(r, s.email),
  });
  const ascii = `${slug.replace(/[^A-Za-z0-9_-]/g, '_')}-test.eml`;
  reply(res, 200, 'message/rfc822', eml, {
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(`${slug}-test.eml`)}`,
  });
}
