import { signToken, unsubscribeUrl } from '../util/token.js';
import type { Diagnostic, RenderedIssue } from '../types.js';
import { finding, type RuleContext } from './rule.js';

/** Gmail clips messages whose HTML is larger than this. */
export const GMAIL_CLIP_BYTES = 102_400;
export const SIZE_WARNING_BYTES = 90 * 1024;
/** The text part is never clipped, but a long one means full articles were pasted in. */
export const TEXT_BUDGET_BYTES = 64 * 1024;

/** An address as long as a realistic long one, for sizing the unsubscribe URL without a list. */
const TYPICAL_LONG_EMAIL = 'firstname.lastname.department@students.example.edu';

/** The cheap size finding of every build: HTML bytes as built (merge tags unfilled). */
export function htmlSizeFinding(bytes: number, file: string, measured = 'email HTML'): Diagnostic | undefined {
  const at = { file, line: 1 };
  if (bytes > GMAIL_CLIP_BYTES) {
    return finding(
      'size/gmail-clip',
      'error',
      `${measured} is ${kb(bytes)}, over Gmail's 102 KB clipping limit`,
      'Use fewer articles or shorter excerpts, or move long articles to the web and link to them.',
      at,
    );
  }
  if (bytes > SIZE_WARNING_BYTES) {
    return finding(
      'size/gmail-clip',
      'warning',
      `${measured} is ${kb(bytes)}, close to Gmail's 102 KB clipping limit`,
      'Trim the issue before it grows past 102 KB, where Gmail hides the rest behind "View entire message".',
      at,
    );
  }
  return undefined;
}

/** The largest message a subscriber will get: longest CSV values, a real-length unsubscribe URL. */
/** Any secret that passes the policy: only the token's length matters here. */
const SIZE_SECRET = 'size-estimate-only-7f3a9c2e1b8d4065';

export function largestVariant(
  r: RenderedIssue,
  ctx: Pick<RuleContext, 'options' | 'content'>,
): { html: string; text: string; who: string } {
  const sample = ctx.options.subscribers;
  const fields = sample?.longest ?? {};
  const email = fields.email && fields.email.length > TYPICAL_LONG_EMAIL.length ? fields.email : TYPICAL_LONG_EMAIL;
  // The secret only changes the token's bytes, never its length.
  const url = unsubscribeUrl(
    ctx.content.publication.unsubscribeUrl,
    signToken({ email, issue: r.issue.slug }, SIZE_SECRET),
  );
  return {
    html: r.fill.html.fill(fields, url),
    text: r.fill.text.fill(fields, url),
    who: sample ? 'the longest values in the subscriber list' : 'merge-tag fallbacks and a long unsubscribe URL',
  };
}

export function checkSize(ctx: RuleContext): Diagnostic[] {
  const { r } = ctx;
  const out: Diagnostic[] = [];
  const variant = largestVariant(r, ctx);
  const htmlBytes = Buffer.byteLength(variant.html);
  const html = htmlSizeFinding(htmlBytes, r.issue.file, `the largest personalized email HTML (with ${variant.who})`);
  if (html) out.push(html);
  const textBytes = Buffer.byteLength(variant.text);
  if (textBytes > TEXT_BUDGET_BYTES) {
    out.push(
      finding(
        'size/text-budget',
        'warning',
        `the plain-text part is ${kb(textBytes)}, over the ${kb(TEXT_BUDGET_BYTES)} budget`,
        'Use teasers (layout: digest) or excerpts instead of full articles; readers of the text part follow links to the web.',
        { file: r.issue.file, line: 1 },
      ),
    );
  }
  return out;
}

export function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KB`;
}
