import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { compileFill } from '../../../src/render/merge.js';
import { signToken, unsubscribeUrl } from '../../../src/util/token.js';
import type { RenderedIssue } from '../../../src/types.js';

// A test-only message composer: the built issue filled for one recipient, with the headers a
// real send carries (the send command has its own composer; this one only feeds SpamAssassin).

export interface SampleRecipient {
  email: string;
  name: string;
}

export async function composeEml(
  r: RenderedIssue,
  to: SampleRecipient,
  date = new Date('2025-11-21T08:00:00Z'),
): Promise<Buffer> {
  const pub = r.issue.publication;
  const token = signToken({ email: to.email, issue: r.issue.slug }, 'test-secret-0123456789abcdef');
  const unsubscribe = unsubscribeUrl(pub.unsubscribeUrl, token);
  const fields = { email: to.email, name: to.name };
  const html = compileFill(r.html, 'html').fill(fields, unsubscribe);
  const text = compileFill(r.text, 'text').fill(fields, unsubscribe);
  const domain = pub.from.address.split('@')[1]!;
  const id = createHash('sha256').update(`${r.issue.slug}\0${to.email}`).digest('hex').slice(0, 32);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail({
    disableFileAccess: true,
    disableUrlAccess: true,
    from: { name: pub.from.name, address: pub.from.address },
    replyTo: pub.replyTo,
    to: { name: to.name, address: to.email },
    subject: r.issue.title,
    html,
    text,
    date,
    messageId: `<${id}@${domain}>`,
    headers: {
      // One header, https first, then mailto (RFC 2369), and one-click (RFC 8058).
      'List-Unsubscribe': [
        `<${unsubscribe}>`,
        ...(pub.unsubscribeMailto ? [`<mailto:${pub.unsubscribeMailto}?subject=unsubscribe>`] : []),
      ].join(', '),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `${pub.name} <newsletter.${domain}>`,
    },
  });
  return info.message as Buffer;
}
