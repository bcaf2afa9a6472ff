import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tally } from '../bounces/apply.js';
import { jsonObject, str } from '../bounces/webhooks/compare.js';
import { applyEvents, type EventOptions, type WebhookEvent } from '../bounces/webhooks/events.js';
import { mailgunEvents, mailgunVerifier } from '../bounces/webhooks/mailgun.js';
import { postmarkAuthorized, postmarkEvents } from '../bounces/webhooks/postmark.js';
import { resendEvents, svixVerified } from '../bounces/webhooks/resend.js';
import {
  httpsGet,
  isSnsMessage,
  SNS_CERT_HOST,
  sesEvents,
  type SnsTrust,
  snsVerifier,
  trustedUrl,
} from '../bounces/webhooks/sns.js';
import { methodNotAllowed, readBodyOrRefuse, send } from './http.js';

// Provider webhooks under `<base>/webhooks/<provider>`: each provider's own proof that it sent
// the request is checked before the body is trusted (SNS signature and topic, Postmark basic
// auth, Mailgun HMAC with a fresh timestamp and unused token, Resend's Svix signature). A refused
// request changes nothing. A provider whose secret is not configured answers 404.

export const PROVIDERS = ['ses', 'postmark', 'mailgun', 'resend'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface WebhookConfig {
  /** SNS topics whose SES notifications are accepted (GAZETTE_SES_TOPIC_ARNS, comma-separated). */
  sesTopicArns?: string[];
  /** `user:password` of the Postmark webhook URL (GAZETTE_POSTMARK_WEBHOOK_AUTH). */
  postmarkAuth?: string;
  /** Mailgun's HTTP webhook signing key (GAZETTE_MAILGUN_SIGNING_KEY). */
  mailgunSigningKey?: string;
  /** Resend's webhook signing secret, `whsec_...` (GAZETTE_RESEND_WEBHOOK_SECRET). */
  resendSecret?: string;
  /** Tests only: where SNS certificates may come from. Never read from the environment. */
  snsTrust?: SnsTrust;
  /** Soft bounces that stop an address within the window (defaults as `gazette bounces`: 3 in 14 days). */
  softLimit?: number;
  softWindowDays?: number;
}

export function webhookConfigFromEnv(env: NodeJS.ProcessEnv): WebhookConfig {
  const topics = (env.GAZETTE_SES_TOPIC_ARNS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    sesTopicArns: topics.length ? topics : undefined,
    postmarkAuth: env.GAZETTE_POSTMARK_WEBHOOK_AUTH || undefined,
    mailgunSigningKey: env.GAZETTE_MAILGUN_SIGNING_KEY || undefined,
    resendSecret: env.GAZETTE_RESEND_WEBHOOK_SECRET || undefined,
  };
}

/** SNS messages reach 256 KiB; the others are far smaller. */
const BODY_LIMIT = 262_144;
const TEXT = 'text/plain; charset=utf-8';

type Verdict = { events: WebhookEvent[] } | { status: 200 | 400 | 401 | 403; message: string };

export function webhookHandler(
  config: WebhookConfig,
  o: Omit<EventOptions, 'softLimit' | 'softWindowMs'> & { log: (line: string) => void },
) {
  const trust = config.snsTrust ?? { certificateHost: SNS_CERT_HOST };
  const sns = snsVerifier(trust);
  const mailgun = config.mailgunSigningKey ? mailgunVerifier(config.mailgunSigningKey) : undefined;
  const options: EventOptions = {
    ...o,
    softLimit: config.softLimit ?? 3,
    softWindowMs: (config.softWindowDays ?? 14) * 86_400_000,
  };
  const enabled: Record<Provider, boolean> = {
    ses: !!config.sesTopicArns?.length,
    postmark: !!config.postmarkAuth,
    mailgun: !!mailgun,
    resend: !!config.resendSecret,
  };

  async function ses(body: string): Promise<Verdict> {
    const m = jsonObject(body);
    if (!isSnsMessage(m)) return { status: 400, message: 'not an SNS message' };
    // The topic first: a message naming another topic costs no certificate fetch.
    if (!config.sesTopicArns!.includes(m.TopicArn)) return { status: 403, message: 'topic not configured' };
    if (!(await sns(m))) return { status: 403, message: 'SNS signature refused' };
    if (m.Type === 'SubscriptionConfirmation') {
      const url = trustedUrl(m.SubscribeURL, trust);
      if (!url) return { status: 400, message: 'SubscribeURL is not an SNS address' };
      await httpsGet(url, trust);
      o.log(`webhook ses: subscribed to ${m.TopicArn}`);
      return { status: 200, message: 'subscribed' };
    }
    if (m.Type !== 'Notification') return { status: 200, message: 'ignored' };
    return { events: sesEvents(m.Message, m.MessageId) };
  }

  function postmark(req: IncomingMessage, body: string): Verdict {
    if (!postmarkAuthorized(req.headers.authorization, config.postmarkAuth!))
      return { status: 401, message: 'credentials refused' };
    const p = jsonObject(body);
    return p ? { events: postmarkEvents(p) } : { status: 400, message: 'not JSON' };
  }

  function mailgunRoute(body: string): Verdict {
    const p = jsonObject(body);
    if (!p) return { status: 400, message: 'not JSON' };
    const data = p['event-data'];
    const verdict = mailgun!(p.signature, str(data, 'id') ?? '');
    if (verdict === 'refused') return { status: 403, message: 'signature refused' };
    return { events: verdict === 'repeat' ? [] : mailgunEvents(data) };
  }

  function resend(req: IncomingMessage, body: string): Verdict {
    const h = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
    const headers = { id: h('svix-id'), timestamp: h('svix-timestamp'), signature: h('svix-signature') };
    if (!svixVerified(headers, body, config.resendSecret!)) return { status: 403, message: 'signature refused' };
    const p = jsonObject(body);
    return p ? { events: resendEvents(p, headers.id!) } : { status: 400, message: 'not JSON' };
  }

  return {
    has: (name: string): name is Provider =>
      (PROVIDERS as readonly string[]).includes(name) && enabled[name as Provider],
    async handle(req: IncomingMessage, res: ServerResponse, provider: Provider): Promise<void> {
      if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
      const raw = await readBodyOrRefuse(req, res, BODY_LIMIT, 10_000);
      if (!raw) return;
      const body = raw.toString('utf8');
      const v =
        provider === 'ses'
          ? await ses(body)
          : provider === 'postmark'
            ? postmark(req, body)
            : provider === 'mailgun'
              ? mailgunRoute(body)
              : resend(req, body);
      if ('status' in v) {
        if (v.status >= 400) o.log(`webhook ${provider}: ${v.status} ${v.message}`);
        const headers: Record<string, string> =
          v.status === 401 ? { 'WWW-Authenticate': 'Basic realm="gazette webhooks"' } : {};
        return send(req, res, { status: v.status, body: `${v.message}\n`, type: TEXT, headers });
      }
      const t = await applyEvents(provider, v.events, options);
      o.log(`webhook ${provider}: ${summary(t)}`);
      send(req, res, { status: 200, body: JSON.stringify(t) + '\n', type: 'application/json' });
    },
  };
}

function summary(t: Tally): string {
  return `${t.messages} event(s): ${t.hard} hard, ${t.soft} soft, ${t.complaints} complaint(s)`;
}
