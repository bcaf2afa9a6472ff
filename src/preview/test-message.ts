import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RenderedIssue } from '../types.js';

const BIN = fileURLToPath(new URL('../../bin/gazette.js', import.meta.url));
const MAX_OUTPUT = 64 * 1024;
const SEND_TIMEOUT_MS = 60_000;

export interface EmlInput {
  rendered: RenderedIssue;
  to: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
}

/**
 * The test message as an .eml file, for when no SMTP server is configured: the same parts a
 * subscriber would get. nodemailer is imported here only, so `gazette build` never loads it.
 */
export async function composeEml(o: EmlInput): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const pub = o.rendered.issue.publication;
  const unsubscribe = [
    `<${o.unsubscribeUrl}>`,
    ...(pub.unsubscribeMailto ? [`<mailto:${pub.unsubscribeMailto}?subject=unsubscribe>`] : []),
  ].join(', ');
  return new MailComposer({
    from: { name: pub.from.name, address: pub.from.address },
    to: o.to,
    replyTo: pub.replyTo,
    subject: o.rendered.issue.title,
    html: o.html,
    text: o.text,
    headers: {
      'List-Unsubscribe': unsubscribe,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Gazette-Issue': o.rendered.issue.slug,
    },
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .build();
}

export interface SendTestResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs `gazette send --test ADDR` (the send command owns sending) as a child process. */
export function runSendTest(o: { root: string; slug: string; to: string }): Promise<SendTestResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    // Arguments are passed as an array (no shell); `to` was validated as an address by the caller.
    const child = spawn(process.execPath, [BIN, 'send', '--test', o.to, '--issue', o.slug, '--root', o.root], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, SEND_TIMEOUT_MS);
    child.on('error', (err) => {
      output += String(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, output: output.slice(0, MAX_OUTPUT).trim(), timedOut });
    });
  });
}
