import type { RenderedIssue } from '../types.js';
import { GazetteError } from '../util/errors.js';
import { secretFromEnv } from '../util/token.js';
import { checkAddress } from './address.js';
import { createMessageTemplate } from './message.js';
import { type DeliveryOptions, envOf, openTransport, resolveIssue } from './setup.js';
import type { Delivery } from './transport.js';

// One copy of an issue marked [TEST] to each given address: never journaled, never counted, and
// it ignores the suppression list (the editor asked for it).

export interface TestSendOptions extends DeliveryOptions {
  root: string;
  issue: string | RenderedIssue;
  to: string[];
  /** Merge fields of the subscriber to "view as"; default: only `email`, the test address. */
  subscriber?: Record<string, string>;
  secret?: string;
  env?: NodeJS.ProcessEnv;
  /** Aborting gives up on the copies not answered yet (their delivery reads ETIMEDOUT or EABORT). */
  signal?: AbortSignal;
}

export interface TestSendReport {
  issue: string;
  transport: string;
  dryRun: boolean;
  results: { email: string; delivery: Delivery }[];
}

export async function sendTestCopy(o: TestSendOptions): Promise<TestSendReport> {
  if (o.to.length === 0)
    throw new GazetteError('no address to send the test copy to', {
      code: 'send/test-address',
      hint: 'Give one or more addresses, e.g. you@example.org,editor@example.org.',
    });
  const addresses = o.to.map((raw) => {
    const check = checkAddress(raw);
    if (!check.ok)
      throw new GazetteError(`test address ${JSON.stringify(raw)} ${check.reason}`, {
        code: 'send/test-address',
        hint: 'Give the address a test copy goes to, e.g. you@example.org.',
      });
    return check;
  });
  const env = envOf(o.root, o.env);
  const secret = o.secret ?? secretFromEnv(env);
  const rendered = await resolveIssue(o.root, o.issue);
  const { transport, dryRun } = openTransport(o, o.root, env);
  const template = createMessageTemplate(rendered, { secret, test: true });
  try {
    const results = await Promise.all(
      addresses.map(async (a) => {
        const message = template.compose({
          email: a.email,
          ascii: a.ascii,
          fields: { ...o.subscriber, email: a.email },
        });
        return { email: a.email, delivery: await untilAborted(transport.send(message), o.signal) };
      }),
    );
    return { issue: rendered.issue.slug, transport: transport.description, dryRun, results };
  } finally {
    await transport.close();
  }
}

function untilAborted(p: Promise<Delivery>, signal?: AbortSignal): Promise<Delivery> {
  if (!signal) return p;
  return new Promise((resolve) => {
    const stop = () =>
      resolve({
        ok: false,
        kind: 'temporary',
        errorCode:
          signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError' ? 'ETIMEDOUT' : 'EABORT',
        response: 'gave up waiting for the server',
      });
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    p.then(resolve, (err: unknown) =>
      resolve({ ok: false, kind: 'temporary', errorCode: 'EUNKNOWN', response: String(err) }),
    ).finally(() => signal.removeEventListener('abort', stop));
  });
}
