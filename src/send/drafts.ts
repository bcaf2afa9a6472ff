import type { RenderedIssue } from '../types.js';
import { GazetteError } from '../util/errors.js';

/**
 * Drafts are never sent: a draft issue, or one carrying a draft article (its "Read more" would
 * point at a page the archive does not publish). Dry runs and outboxes that mark nobody sent may
 * render them, like build and preview.
 */
export function refuseDrafts(rendered: RenderedIssue): void {
  const { issue } = rendered;
  const drafts = issue.articles.filter((a) => a.draft);
  if (!issue.draft && !drafts.length) return;
  if (issue.draft) {
    throw new GazetteError(`the issue "${issue.slug}" is a draft; nothing was sent`, {
      code: 'send/draft',
      file: issue.file,
      field: 'draft',
      hint: `Remove \`draft: true\` from ${issue.file} when it is ready. A dry run (--dry-run DIR) or --test works on drafts.`,
    });
  }
  throw new GazetteError(
    `the issue "${issue.slug}" carries draft article${drafts.length === 1 ? '' : 's'} ${drafts.map((a) => a.slug).join(', ')}; nothing was sent`,
    {
      code: 'send/draft',
      file: drafts[0]!.file,
      field: 'draft',
      hint: `Remove \`draft: true\` from ${drafts.map((a) => a.file).join(', ')}, or take ${drafts.length === 1 ? 'it' : 'them'} out of the issue's \`articles:\`.`,
    },
  );
}
