import type { Diagnostic, RenderedIssue } from '../types.js';
import { checkAccessibility } from './accessibility.js';
import { darkContrastFindings } from './dark-contrast.js';
import { checkClientSupport } from './client-support.js';
import { checkCompliance } from './compliance.js';
import { checkHygiene } from './hygiene.js';
import { checkImages } from './images.js';
import { checkLinks } from './links.js';
import { checkLinksOnline } from './links-online.js';
import { parseEmail } from './html.js';
import { Sources } from './locate.js';
import type { CheckOptions, RuleContext } from './rule.js';
import { checkScaffoldLeftovers } from './scaffold.js';
import { checkSize } from './size.js';
import { mjmlLeft, type CheckContext } from './rendered.js';

export { GMAIL_CLIP_BYTES, SIZE_WARNING_BYTES, TEXT_BUDGET_BYTES } from './size.js';
export type { CheckOptions, SubscriberSample } from './rule.js';

export { checkRendered, mjmlLeft, type CheckContext } from './rendered.js';

const DEFAULT_COLUMN_PX = 600;

/**
 * Every rule, for `gazette check` and the preview: size (of the largest personalized variant),
 * images, links, email-client support, compliance, accessibility and template hygiene. Returns
 * all of the issue's findings, the cheap ones of checkRendered included (size re-measured).
 */
export async function checkIssue(
  r: RenderedIssue,
  ctx: CheckContext,
  options: CheckOptions = {},
): Promise<Diagnostic[]> {
  const email = parseEmail(r.html);
  const sources = await Sources.load(r, ctx.content);
  const width = /<mj-body\b[^>]*\bwidth="(\d+)(?:px)?"/.exec(r.mjml);
  const rule: RuleContext = {
    r,
    content: ctx.content,
    email,
    sources,
    options,
    columnWidth: width ? Number(width[1]) : DEFAULT_COLUMN_PX,
    cache: ctx.cache,
  };
  const found: Diagnostic[] = [
    ...checkSize(rule),
    ...mjmlLeft(r),
    ...checkImages(rule),
    ...checkLinks(rule),
    ...(options.links ? await checkLinksOnline(rule, typeof options.links === 'object' ? options.links : {}) : []),
    ...checkClientSupport(rule),
    ...checkCompliance(rule),
    ...checkAccessibility(rule),
    ...darkContrastFindings(rule),
    ...checkHygiene(rule),
    ...checkScaffoldLeftovers(rule),
  ];
  return found.map((d) => ({ ...d, issue: r.issue.slug }));
}
