import type { Content, RenderedIssue } from '../types.js';
import type { OutputFile } from '../write.js';

/** The site around the issues: archive (index.html) and feed (feed.xml). */
export async function siteFiles(_content: Content, _issues: RenderedIssue[]): Promise<OutputFile[]> {
  return [];
}
