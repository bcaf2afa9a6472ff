import type { RenderedIssue } from '../types.js';

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
