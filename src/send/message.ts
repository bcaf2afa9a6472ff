import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Fill } from '../render/merge.js';
import { signToken, unsubscribeUrl } from '../util/token.js';
import { verpReturnPath } from '../util/verp.js';
import type { Publication, RenderedIssue } from '../types.js';
import {
  header,
  headerSafe,
  mailboxTokens,
  phraseTokens,
  quotedPrintable,
  rfc5322Date,
  unstructuredTokens,
} from './mime.js';

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
  /**
   * The complete RFC 5322 message, 7-bit ASCII with CRLF line ends, as bytes: assembled once
   * from pre-encoded pieces, so neither Gazette nor nodemailer converts a string per message.
   */
  raw: Buffer;
  /**
   * Every line end of `raw` is CRLF (no bare CR or LF): true for the template's messages, whose
   * pieces are all CRLF, so the SMTP client only has to stuff dots (smtp-wire.ts).
   */
  crlf?: boolean;
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
  /** `messageId`: the one the journal recorded for this row, so a resumed row keeps it even if the secret changed. */
  compose(recipient: {
    email: string;
    ascii: string;
    fields: Readonly<Record<string, string | undefined>>;
    messageId?: string;
  }): OutgoingMessage;
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

  const listLabel = `${
    issue.publication.name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      // A label, not the whole name: the List-Id must fit a header line.
      .slice(0, 48)
      .replace(/^-|-$/g, '') || 'newsletter'
  }.${fromDomain}`;
  const mailto = pub.unsubscribeMailto ? `mailto:${pub.unsubscribeMailto}?subject=unsubscribe` : undefined;
  const staticHeaders = [
    header('From', mailboxTokens(pub.from.name, pub.from.address)),
    ...(pub.replyTo ? [`Reply-To: <${headerSafe(pub.replyTo)}>`] : []),
    header('Subject', unstructuredTokens(subject)),
    `Date: ${rfc5322Date(options.date ?? new Date())}`,
    header('List-Id', [...phraseTokens(pub.name), `<${listLabel}>`]),
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    ...(options.test ? ['X-Gazette-Test: yes'] : []),
    header('X-Gazette-Issue', unstructuredTokens(issue.slug)),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ].join('\r\n');
  const textPart = encodedPart(rendered.fill.text);
  const htmlPart = encodedPart(rendered.fill.html);
  const textHead = `\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const htmlHead = `\r\n--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  // The constant bytes around the three per-recipient headers and the parts' values.
  const afterHeaders = Buffer.from(`${staticHeaders}${textHead}`, 'utf8');
  const betweenParts = Buffer.from(htmlHead, 'utf8');
  const closing = Buffer.from(tail, 'utf8');
  const fixedBytes = afterHeaders.length + textPart.bytes + betweenParts.length + htmlPart.bytes + closing.length;
  const columns = [...new Set([...textPart.fill.columns, ...htmlPart.fill.columns])];

  return {
    subject,
    from: pub.from.address,
    columns,
    messageIdFor,
    compose(recipient) {
      const messageId = recipient.messageId ?? messageIdFor(recipient.email);
      const url = unsubscribeUrl(
        pub.unsubscribeUrl,
        signToken({ email: recipient.email, issue: issue.slug }, options.secret),
      );
      const name = recipient.fields.name;
      const headers =
        `${header('To', mailboxTokens(name, recipient.ascii))}\r\n` +
        `Message-ID: ${messageId}\r\n` +
        `List-Unsubscribe: <${url}>${mailto ? `,\r\n <${mailto}>` : ''}\r\n`;
      const head = Buffer.from(headers, 'utf8');
      const textValues = textPart.values(recipient.fields, url);
      const htmlValues = htmlPart.values(recipient.fields, url);
      // Encoded values are 7-bit ASCII: one byte per character.
      let size = fixedBytes + head.length;
      for (const v of textValues) size += v.length;
      for (const v of htmlValues) size += v.length;
      const raw = Buffer.allocUnsafe(size);
      let at = head.copy(raw, 0);
      at += afterHeaders.copy(raw, at);
      at = textPart.write(raw, at, textValues);
      at += betweenParts.copy(raw, at);
      at = htmlPart.write(raw, at, htmlValues);
      at += closing.copy(raw, at);
      if (at !== size) throw new Error(`message assembly wrote ${at} of ${size} bytes`);
      const from = pub.returnPath ? verpReturnPath(pub.returnPath, recipient.email, options.secret) : pub.from.address;
      return { email: recipient.email, messageId, envelope: { from, to: recipient.ascii }, raw, crlf: true };
    },
  };
}

interface EncodedPart {
  fill: Fill;
  /** Total bytes of the constant pieces. */
  bytes: number;
  /** The recipient's values, quoted-printable encoded (7-bit ASCII). */
  values(fields: Readonly<Record<string, string | undefined>>, unsubscribe: string): string[];
  /** Writes statics[0] + values[0] + statics[1] + ... into `out` at `at`; returns the new offset. */
  write(out: Buffer, at: number, values: readonly string[]): number;
}

function encodedPart(fill: Fill): EncodedPart {
  const statics = fill.statics.map((s, i) => Buffer.from(quotedPrintable(s, i < fill.statics.length - 1), 'latin1'));
  return {
    fill,
    bytes: statics.reduce((n, b) => n + b.length, 0),
    values(fields, unsubscribe) {
      // A value never adds a line: HTML collapses the break anyway, text already has none.
      return fill
        .values(fields, unsubscribe)
        .map((v) => quotedPrintable(/[\r\n]/.test(v) ? v.replace(/[\r\n]+/g, ' ') : v, true));
    },
    write(out, at, values) {
      at += statics[0]!.copy(out, at);
      for (let i = 0; i < values.length; i++) {
        at += out.write(values[i]!, at, 'latin1');
        at += statics[i + 1]!.copy(out, at);
      }
      return at;
    },
  };
}
