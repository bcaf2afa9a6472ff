import type { IssueSource } from '../types.js';

/**
 * The order of issues everywhere (the loaded content, the preview's list, the archive, the feed):
 * newest date first; on the same date the higher number first, an issue without a number after
 * every numbered one; then by slug, compared by code unit so that no locale decides.
 */
export function newestFirst(a: IssueSource, b: IssueSource): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  const an = a.number ?? -1;
  const bn = b.number ?? -1;
  if (an !== bn) return bn - an;
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}
