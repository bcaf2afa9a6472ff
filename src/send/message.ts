import { createHash, createHmac, randomBytes } from 'node:crypto';
import { compileFill, type Fill } from '../merge.js';
import { signToken, unsubscribeUrl } from '../token.js';
import type { Publication, RenderedIssue } from '../types.js';
import { headerSafe, mailbox, phrase, quotedPrintable, rfc5322Date, unstructured } from './mime.js';

// The MIME message is composed once per issue: headers that are the same for everyone, and the
// HTML and text parts split at their merge tags with every constant piece already
// quoted-printable encoded. A message for one subscriber is then a join of those pieces with
// the few encoded subscriber values (and three per-recipient headers) in between: no MJML, no
// Handlebars, no MIME library per message.

export interface OutgoingMessage {
  /** Normalized recipient address (journal key). */
  email: string;
  messageId: string;
  envelope: { from: string; to: string };
  /** The complete RFC 5322 message, 7-bit ASCII with CRLF line ends. */
  raw: string;
}

export interface MessageTemplateOptions {
  secret: string;
  /** A `--test` copy: `[TEST] ` subject prefix and an `X-Gazette-Test` header. */
  test?: boolean;
  date?: Date;
}

export interface MessageTemplate {
  subject: string;
  from: string;
  /** CSV columns the issue reads. */
  columns: string[];
  messageIdFor(email: string): string;
  compose(recipient: { email: string; ascii: string; fields: Readonly<Record<string, string | undefined>> }): OutgoingMessage;
}

export function createMessageTemplate(rendered: RenderedIssue, options: MessageTemplateOptions): MessageTemplate {
  const { issue } = rendered;
  const pub: Publication = issue.publication;
  const fromDomain = pub.from.address.slice(pub.from.address.lastIndexOf('@') + 1).toLowerCase();
  const subject = (options.test ? '[TEST] ' : '') + issue.title;
  const boundary = `=_gz_${randomBytes(12).toString('hex')}`;
  // A salt derived from the secret keeps Message-IDs from revealing who is on the list.
  const idSalt = createHmac('sha256', options.secret).update('gazette message-id v1').digest('hex');
  const messageIdFor = (email: string): string =>
    `<${createHash('sha256').update(`${idSalt}|${issue.slug}|${email}`).digest('hex').slice(0, 32)}@${fromDomain}>`;

  const listLabel = `${(issue.publication.name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'newsletter')}.${fromDomain}`;
  const mailto = pub.unsubscribeMailto ? `mailto:${pub.unsubscribeMailto}?subject=unsubscribe` : undefined;
  const staticHeaders = [
    `From: ${mailbox(pub.from.name, pub.from.address)}`,
    ...(pub.replyTo ? [`Reply-To: <${headerSafe(pub.replyTo)}>`] : []),
    `Subject: ${unstructured(subject)}`,
    `Date: ${rfc5322Date(options.date ?? new Date())}`,
    `List-Id: ${phrase(pub.name)} <${listLabel}>`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    ...(options.test ? ['X-Gazette-Test: yes'] : []),
    `X-Gazette-Issue: ${issue.slug}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ].join('\r\n');
  const textPart = encodedPart(compileFill(rendered.text, 'text'));
  const htmlPart = encodedPart(compileFill(rendered.html, 'html'));
  const textHead = `\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const htmlHead = `\r\n--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const columns = [...new Set([...textPart.fill.columns, ...htmlPart.fill.columns])];

  return {
    subject,
    from: pub.from.address,
    columns,
    messageIdFor,
    compose(recipient) {
      const messageId = messageIdFor(recipient.email);
      const url = unsubscribeUrl(pub.unsubscribeUrl, signToken({ email: recipient.email, issue: issue.slug }, options.secret));
      const name = recipient.fields.name;
      const headers =
        `To: ${mailbox(name, recipient.ascii)}\r\n` +
        `Message-ID: ${messageId}\r\n` +
        `List-Unsubscribe: <${url}>${mailto ? `,\r\n <${mailto}>` : ''}\r\n` +
        staticHeaders;
      const raw = headers + textHead + textPart.render(recipient.fields, url) + htmlHead + htmlPart.render(recipient.fields, url) + tail;
      return { email: recipient.email, messageId, envelope: { from: pub.from.address, to: recipient.ascii }, raw };
    },
  };
}

interface EncodedPart {
  fill: Fill;
  render(fields: Readonly<Record<string, string | undefined>>, unsubscribe: string): string;
}

function encodedPart(fill: Fill): EncodedPart {
  const statics = fill.statics.map((s, i) => quotedPrintable(s, i < fill.statics.length - 1));
  return {
    fill,
    render(fields, unsubscribe) {
      const values = fill.values(fields, unsubscribe);
      let out = statics[0]!;
      for (let i = 0; i < values.length; i++) {
        // A value never adds a line: HTML collapses the break anyway, text already has none.
        const v = values[i]!;
        out += quotedPrintable(/[\r\n]/.test(v) ? v.replace(/[\r\n]+/g, ' ') : v, true) + statics[i + 1]!;
      }
      return out;
    },
  };
}
