import type { Content, Diagnostic, RenderedIssue } from '../types.js';
import { checkAccessibility } from './accessibility.js';
import { checkClientSupport } from './client-support.js';
import { checkCompliance } from './compliance.js';
import { checkHygiene } from './hygiene.js';
import { checkImages } from './images.js';
import { checkLinks, checkLinksOnline } from './links.js';
import { parseEmail } from './html.js';
import { Sources } from './locate.js';
import type { CheckOptions, RuleContext } from './rule.js';
import { checkSize, htmlSizeFinding } from './size.js';

export { GMAIL_CLIP_BYTES, SIZE_WARNING_BYTES, TEXT_BUDGET_BYTES } from './size.js';
export type { CheckOptions, SubscriberSample } from './rule.js';

export interface CheckContext {
  content: Content;
}

const DEFAULT_COLUMN_PX = 600;

/**
 * check: the findings every build reports (cheap, in-process: no parsing). `gazette check` and
 * the preview add the other rules with checkIssue.
 */
export function checkRendered(r: Omit<RenderedIssue, 'diagnostics'>, _ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const size = htmlSizeFinding(r.bytes.html, r.issue.file);
  if (size) out.push({ ...size, issue: r.issue.slug });
  out.push(...mjmlLeft(r));
  return out;
}

function mjmlLeft(r: Omit<RenderedIssue, 'diagnostics'>): Diagnostic[] {
  if (!/<\/?mj-[a-z]/.test(r.html)) return [];
  return [{ code: 'html/mjml-left', severity: 'error', file: r.issue.file, line: 1, issue: r.issue.slug, message: 'the email still contains MJML tags after compiling', hint: 'An mj- tag was written inside <mj-text> or <mj-raw>; move it out, MJML does not compile tags there.' }];
}

/**
 * Every rule, for `gazette check` and the preview: size (of the largest personalized variant),
 * images, links, email-client support, compliance, accessibility and template hygiene. Returns
 * all of the issue's findings, the cheap ones of checkRendered included (size re-measured).
 */
export async function checkIssue(r: RenderedIssue, ctx: CheckContext, options: CheckOptions = {}): Promise<Diagnostic[]> {
  const email = parseEmail(r.html);
  const sources = await Sources.load(r, ctx.content);
  const width = /<mj-body\b[^>]*\bwidth="(\d+)(?:px)?"/.exec(r.mjml);
  const rule: RuleContext = { r, content: ctx.content, email, sources, options, columnWidth: width ? Number(width[1]) : DEFAULT_COLUMN_PX };
  const found: Diagnostic[] = [
    ...checkSize(rule),
    ...mjmlLeft(r),
    ...checkImages(rule),
    ...checkLinks(rule),
    ...(options.links ? await checkLinksOnline(rule, typeof options.links === 'object' ? options.links : {}) : []),
    ...checkClientSupport(rule),
    ...checkCompliance(rule),
    ...checkAccessibility(rule),
    ...checkHygiene(rule),
  ];
  return found.map((d) => ({ ...d, issue: r.issue.slug }));
}
