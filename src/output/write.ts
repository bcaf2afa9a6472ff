import { mkdir, rename, rm, readdir, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { webVersionAtIssueFolder } from '../render/web.js';
import type { BuildResult, Content, RenderedIssue } from '../types.js';
import { copyTreeSafely } from '../util/links.js';
import { hasArticlePage } from './entries.js';
import { isSenderOnly } from './public.js';

export interface OutputFile {
  /** Relative to the output folder, with forward slashes. */
  path: string;
  contents: string | Uint8Array;
}

/** The files of one built issue: `<slug>/email.html`, `email.txt`, `web.html`, `issue.json`. */
export function issueFiles(r: RenderedIssue): OutputFile[] {
  const dir = r.issue.slug;
  const summary = {
    slug: r.issue.slug,
    subject: r.issue.title,
    preheader: r.issue.preheader ?? null,
    date: r.issue.date,
    number: r.issue.number ?? null,
    layout: r.issue.layout,
    webUrl: r.issue.webUrl,
    articles: r.issue.articles.map((a) => ({
      slug: a.slug,
      title: a.title,
      url: a.url,
      date: a.date,
      byline: a.byline,
      section: a.section ?? null,
      lang: a.lang,
      dir: a.dir,
    })),
    mergeTags: r.mergeTags,
    bytes: r.bytes,
    images: (r.images ?? []).map((i) => ({
      source: i.source,
      path: i.path,
      width: i.display.width,
      height: i.display.height,
      before: i.before,
      after: i.after,
    })),
    diagnostics: r.diagnostics,
  };
  return [
    { path: `${dir}/email.html`, contents: r.html },
    { path: `${dir}/email.txt`, contents: r.text },
    { path: `${dir}/web.html`, contents: webVersionAtIssueFolder(r.webHtml) },
    { path: `${dir}/issue.json`, contents: JSON.stringify(summary, null, 2) + '\n' },
    ...(r.images ?? []).map((i) => ({ path: i.path, contents: i.contents })),
  ];
}

export interface WriteOptions {
  /** Extra files for the whole site (archive, feed), written beside the issues. */
  siteFiles?: OutputFile[];
  /** Copy this folder (content/assets) to `<out>/assets`. */
  assetsDir?: string;
  /**
   * Keep the previous output's other issues (a `--issue` build). A full build replaces every
   * issue's output, so an issue deleted from content/ disappears from dist/ too.
   */
  keepOtherIssues?: boolean;
  /** Write the public tree alone (`gazette build --public`): no sender-only files (src/output/public.ts). */
  publicOnly?: boolean;
}

/**
 * write: puts a build in `outDir` atomically. Everything is written to a fresh sibling folder
 * first; the old output is swapped out only once the new one is complete, so a failed or
 * interrupted build never leaves a half-written `dist/`. With `keepOtherIssues` (`--issue`),
 * the issues not rebuilt this time are carried over from the previous output.
 */
export async function writeBuild(result: BuildResult, outDir: string, options: WriteOptions = {}): Promise<string[]> {
  const out = path.resolve(outDir);
  const live = publishedNow(result.content);
  // A page of a draft, or of an issue or article that is gone, never outlives the build that
  // unpublished it: issues/<slug>/ and articles/<slug>/ are carried over only while published.
  const keep = (top: string) => (rel: string) => {
    if (options.publicOnly && isSenderOnly(`${top}/${rel}`)) return false;
    const slug = rel.split('/')[0]!;
    if (top === 'issues' && live) return live.issues.has(slug);
    if (top === 'articles' && live) return live.articles.has(slug);
    return true;
  };
  const parent = path.dirname(out);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${path.basename(out)}.tmp-${tag}`);
  const old = path.join(parent, `.${path.basename(out)}.old-${tag}`);
  const written: string[] = [];
  try {
    await mkdir(tmp, { recursive: true });
    const rebuilt = new Set(result.issues.map((r) => r.issue.slug));
    // Carry over what this build does not produce: other folders (screenshots...) always, other
    // issues' outputs only for a --issue build.
    if (await exists(out)) {
      for (const entry of await readdir(out, { withFileTypes: true })) {
        if (!entry.isDirectory() || rebuilt.has(entry.name) || entry.name === 'assets') continue;
        if (options.publicOnly && isSenderOnly(entry.name)) continue;
        // The public tree carries no draft's folder (its web.html is not for readers yet).
        if (options.publicOnly && live?.drafts.has(entry.name)) continue;
        const issueOutput = entry.name === 'issues' || (await exists(path.join(out, entry.name, 'issue.json')));
        if (issueOutput && !options.keepOtherIssues) continue;
        // An issue deleted from content/ leaves with the next build, --issue or not.
        const gone = entry.name !== 'issues' && !live?.issues.has(entry.name) && !live?.drafts.has(entry.name);
        if (issueOutput && live && gone) continue;
        await copyTreeSafely(path.join(out, entry.name), path.join(tmp, entry.name), undefined, keep(entry.name));
      }
      // The other issues' email images: their emails (kept above) point at them.
      const emailImages = path.join(out, 'assets', 'email');
      if (options.keepOtherIssues && (await exists(emailImages)))
        await copyTreeSafely(emailImages, path.join(tmp, 'assets', 'email'));
    }
    const issues = options.publicOnly ? result.issues.filter((r) => !r.issue.draft) : result.issues;
    const files = [...issues.flatMap(issueFiles), ...(options.siteFiles ?? [])].filter(
      (f) => !options.publicOnly || !isSenderOnly(f.path),
    );
    for (const f of files) {
      const dest = path.join(tmp, ...f.path.split('/'));
      if (!dest.startsWith(tmp + path.sep)) throw new Error(`refusing to write outside the output folder: ${f.path}`);
      await mkdir(path.dirname(dest), { recursive: true });
      await writeFile(dest, f.contents);
      written.push(path.join(out, ...f.path.split('/')));
    }
    if (options.assetsDir && (await exists(options.assetsDir))) {
      // Links out of the root are left out (and reported by the build as content/symlink-outside).
      await copyTreeSafely(options.assetsDir, path.join(tmp, 'assets'));
    }
    const hadOld = await exists(out);
    if (hadOld) await rename(out, old);
    await rename(tmp, out);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return written;
}

/** What the content publishes now (undefined when the build has no content to tell). */
function publishedNow(
  content: Content | undefined,
): { issues: Set<string>; articles: Set<string>; drafts: Set<string> } | undefined {
  if (!content) return undefined;
  return {
    issues: new Set(content.issues.filter((i) => !i.draft).map((i) => i.slug)),
    drafts: new Set(content.issues.filter((i) => i.draft).map((i) => i.slug)),
    articles: new Set([...content.articles.values()].filter(hasArticlePage).map((a) => a.slug)),
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
