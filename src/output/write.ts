import { lstat, mkdir, rename, rm, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { webVersionAtIssueFolder } from '../render/web.js';
import type { BuildResult, Content, RenderedIssue } from '../types.js';
import { listTreeSafely } from '../util/links.js';
import { hasArticlePage } from './entries.js';
import { syncTree, type Wanted } from './sync-tree.js';
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
  /**
   * Where the output before last is kept for the next build to update instead of writing a fresh
   * folder (`.gazette/cache/output/...`); none: each build writes a fresh folder.
   */
  spareDir?: string;
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
  const issues = options.publicOnly ? result.issues.filter((r) => !r.issue.draft) : result.issues;
  const files = [...issues.flatMap(issueFiles), ...(options.siteFiles ?? [])].filter(
    (f) => !options.publicOnly || !isSenderOnly(f.path),
  );
  // What this build writes is never carried over first (it would be copied, then written again).
  const produced = new Set(files.map((f) => f.path));
  // A page of a draft, or of an issue or article that is gone, never outlives the build that
  // unpublished it: issues/<slug>/ and articles/<slug>/ are carried over only while published.
  const keep = (top: string) => (rel: string) => {
    if (produced.has(`${top}/${rel}`)) return false;
    if (options.publicOnly && isSenderOnly(`${top}/${rel}`)) return false;
    const slug = rel.split('/')[0]!;
    if (top === 'issues' && live) return live.issues.has(slug);
    if (top === 'articles' && live) return live.articles.has(slug);
    return true;
  };
  const parent = path.dirname(out);
  await mkdir(parent, { recursive: true });
  await removeAbandoned(parent, path.basename(out));
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${path.basename(out)}.tmp-${tag}`);
  const old = path.join(parent, `.${path.basename(out)}.old-${tag}`);
  const written: string[] = [];
  try {
    // The spare (the output before last, kept by the previous build) becomes the new folder when
    // there is one: renaming claims it, so two builds at once never share it.
    const spare = options.spareDir && (await claim(options.spareDir, tmp));
    if (!spare) await mkdir(tmp, { recursive: true });
    const wanted = new Map<string, Wanted>();
    const rebuilt = new Set(result.issues.map((r) => r.issue.slug));
    // Carry over what this build does not produce: other folders (screenshots...) always, other
    // issues' outputs only for a --issue build. Only from a real folder: a `dist` committed as a
    // link (to .., ~, the root) would have every folder it points at copied into the new output.
    const previous = (await realFolder(out)) ? out : undefined;
    if (previous) {
      for (const entry of await readdir(out, { withFileTypes: true })) {
        if (!entry.isDirectory() || rebuilt.has(entry.name) || entry.name === 'assets') continue;
        if (options.publicOnly && isSenderOnly(entry.name)) continue;
        // The public tree carries no draft's folder (its web.html is not for readers yet).
        if (options.publicOnly && live?.drafts.has(entry.name)) continue;
        // The public tree has no issue.json (sender-only): there an issue's folder is its web.html,
        // or a retracted issue's page would be carried over as a folder of the user's, for good.
        const issueOutput =
          entry.name === 'issues' ||
          (await exists(path.join(out, entry.name, 'issue.json'))) ||
          (options.publicOnly === true && (await exists(path.join(out, entry.name, 'web.html'))));
        if (issueOutput && !options.keepOtherIssues) continue;
        // An issue deleted from content/ leaves with the next build, --issue or not.
        const gone = entry.name !== 'issues' && !live?.issues.has(entry.name) && !live?.drafts.has(entry.name);
        if (issueOutput && live && gone) continue;
        for (const f of await listTreeSafely(path.join(out, entry.name), keep(entry.name)))
          wanted.set(`${entry.name}/${f.rel}`, { from: f.from });
      }
      // The other issues' email images: their emails (kept above) point at them. Not through a
      // link (a committed dist/assets/email -> ~/.ssh would be published).
      const emailImages = path.join(out, 'assets', 'email');
      const viaLink = !(await realFolder(path.join(out, 'assets'))) || !(await realFolder(emailImages));
      if (options.keepOtherIssues && !viaLink)
        for (const f of await listTreeSafely(emailImages)) wanted.set(`assets/email/${f.rel}`, { from: f.from });
    }
    for (const f of files) {
      const dest = path.join(tmp, ...f.path.split('/'));
      if (!dest.startsWith(tmp + path.sep)) throw new Error(`refusing to write outside the output folder: ${f.path}`);
      wanted.set(f.path, typeof f.contents === 'string' ? Buffer.from(f.contents) : f.contents);
      written.push(path.join(out, ...f.path.split('/')));
    }
    if (options.assetsDir && (await exists(options.assetsDir))) {
      // Links out of the root are left out (and reported by the build as content/symlink-outside).
      for (const f of await listTreeSafely(options.assetsDir)) wanted.set(`assets/${f.rel}`, { from: f.from });
    }
    syncTree(tmp, wanted, previous);
    const hadOld = await exists(out);
    if (hadOld) await rename(out, old);
    await rename(tmp, out);
    if (hadOld && !(options.spareDir && (await claim(old, options.spareDir))))
      await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return written;
}

/** Moves folder `from` to `to` when `to` is free and on the same filesystem; false otherwise. */
async function claim(from: string, to: string): Promise<boolean> {
  try {
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  } catch {
    return false;
  }
  // A spare that is a link (a cloned repository can carry `.gazette/cache/output/<hash>` as a
  // symlink to ~) would have the build empty the folder it points to: only a real folder is used.
  if ((await lstat(to)).isDirectory()) return true;
  await unlink(to);
  return false;
}

/**
 * The temporary folders of builds that were killed before they could swap theirs in or remove
 * the old one (`.dist.tmp-<pid>-<tag>`, `.dist.old-<pid>-<tag>`, each a whole output): removed once
 * their process is gone and they are ten minutes old (a build on another machine sharing the
 * folder has a pid this one cannot see).
 */
async function removeAbandoned(parent: string, base: string): Promise<void> {
  const pattern = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|old)-(\\d+)-[0-9a-f]{8}$`);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const at = path.join(parent, name);
    const st = await lstat(at).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > ABANDONED_AFTER_MS) await rm(at, { recursive: true, force: true });
  }
}

const ABANDONED_AFTER_MS = 10 * 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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

/** Whether `p` is a folder itself, not a link to one. */
async function realFolder(p: string): Promise<boolean> {
  return (await lstat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
