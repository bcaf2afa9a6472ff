import path from 'node:path';
import type { RenderedIssue } from '../types.js';
import { loadEnv } from '../util/env.js';
import { DiagnosticsError, GazetteError } from '../util/errors.js';
import { dkimFromEnv, emlTransport, smtpTransport, type Transport } from './transport.js';

// What sendIssue() and sendTestCopy() share: the issue (built unless given) and the transport
// (given, or made from an SMTP URL or an outbox folder).

export interface DeliveryOptions {
  /** A transport the caller made (closed by the send when it is done). */
  transport?: Transport;
  /** smtp:// or smtps:// URL. */
  smtpUrl?: string;
  /** Where the URL came from, for errors: "--smtp" or "SMTP_URL" (default). */
  smtpOption?: string;
  /** Write one .eml per message into this folder instead of sending. */
  outbox?: string;
  concurrency?: number;
}

export interface OpenedTransport {
  transport: Transport;
  /** True when nothing leaves the machine (an outbox, or a transport that says so). */
  dryRun: boolean;
}

export function openTransport(o: DeliveryOptions, root: string, env: NodeJS.ProcessEnv): OpenedTransport {
  if (o.transport) return { transport: o.transport, dryRun: o.outbox !== undefined };
  if (o.outbox !== undefined) return { transport: emlTransport(path.resolve(root, o.outbox)), dryRun: true };
  if (o.smtpUrl)
    return {
      transport: smtpTransport({
        url: o.smtpUrl,
        concurrency: o.concurrency ?? 5,
        dkim: dkimFromEnv(env, root),
        ...(o.smtpOption ? { option: o.smtpOption } : {}),
      }),
      dryRun: false,
    };
  throw new GazetteError('nowhere to send to: no transport, SMTP URL or outbox folder', {
    code: 'send/no-transport',
    hint: 'Pass an SMTP URL (smtp://user:password@host:587) or an outbox folder for .eml files.',
  });
}

/** The issue as given, or built from its slug (the full check is the caller's business). */
export async function resolveIssue(root: string, issue: string | RenderedIssue): Promise<RenderedIssue> {
  if (typeof issue !== 'string') return issue;
  const { buildIssue } = await import('../pipeline/build.js');
  const built = await buildIssue({ root, issue });
  const rendered = built.issues[0];
  if (!built.ok || !rendered)
    throw new DiagnosticsError(`the issue "${issue}" does not build; nothing was sent`, built.diagnostics);
  return rendered;
}

export function envOf(root: string, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env ?? loadEnv(root);
}
