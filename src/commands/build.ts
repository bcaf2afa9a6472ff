import path from 'node:path';
import { CHECK_FAMILIES } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../types.js';
import { BuildCache } from '../cache/build-cache.js';
import { PersistentCache } from '../cache/persistent.js';
import { contentHash } from '../cache/build-cache.js';
import { buildIssue } from '../pipeline/build.js';
import type { CommandIo } from './io.js';
import { parseCommandArgs, usageError } from './args.js';
import { lstatSync, realpathSync } from 'node:fs';
import { printFindings, summarize } from './print.js';
import { siteFiles } from '../output/site.js';
import { writeBuild } from '../output/write.js';

/** How many issues a build lists by name (newest first); --verbose lists all. */
const LISTED_ISSUES = 5;

const USAGE = 'gazette build [--root DIR] [--out DIR] [--public DIR] [--issue SLUG] [--no-cache] [--quiet] [--verbose]';

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      out: { type: 'string' },
      public: { type: 'string' },
      issue: { type: 'string' },
      quiet: { type: 'boolean', short: 'q', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      'no-cache': { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(
      `${USAGE}\n\nBuilds every issue in <root>/content/issues (or one) into <root>/dist.\n--public DIR writes the public tree alone into DIR (for a static host): no email.html, email.txt,\nissue.json or screenshots, which are for the sender.\nInformation notes print one line per code with a count; --verbose lists each, and every issue\nbuilt (otherwise the newest five are listed and the rest counted).\nUnchanged issues come from the build cache in <root>/.gazette/cache/; --no-cache renders everything.\n`,
    );
    return 0;
  }
  const root = path.resolve(io.cwd, values.root!);
  const publicOnly = values.public !== undefined;
  const out = path.resolve(root, values.public ?? values.out ?? 'dist');
  // The output folder is replaced whole by each build, only its folders carried over: one that
  // holds the root (`--out .`, `--public ..`) would lose every file at its top (.env, README.md)
  // and have the old root moved into its own .gazette/cache/output/.
  const outShown = path.relative(io.cwd, out) || '.';
  const flag =
    values.public !== undefined
      ? `--public ${outShown}`
      : values.out !== undefined
        ? `--out ${outShown}`
        : `the output folder ${outShown}`;
  if (holds(out, root))
    throw usageError(`${flag} holds the root (${root}); the output folder is replaced by each build`, USAGE);
  // Nor inside what the build reads or keeps: --out .gazette would delete the send journal and
  // suppression list (.gazette/journal.sqlite), --out content the issues and publication.yml.
  const input = INPUT_FOLDERS.find((name) => holds(path.join(root, name), out));
  if (input)
    throw usageError(
      `${flag} is inside the root's ${input}/ folder, which the build reads or keeps; the output folder is replaced by each build`,
      USAGE,
    );
  const started = performance.now();
  const cache = buildCache(root, values['no-cache']!);
  cache.mjml = io.mjml;
  // Every rule, as `gazette check` runs them: a build never says "0 errors" of an issue check fails.
  const result = await buildIssue({ root, issue: values.issue, cache, rules: 'all' });
  // --quiet is for scripts: errors and warnings only, unless --verbose asks for the notes too.
  // The check rules' notes (email-client support) are `gazette check --verbose`'s; a build shows
  // its own (content, templates) and every error and warning.
  const checkNote = (d: Diagnostic) => d.severity === 'info' && CHECK_FAMILIES.includes(d.code.split('/')[0]!);
  const shown = values.verbose
    ? result.diagnostics
    : result.diagnostics.filter((d) => (values.quiet ? d.severity !== 'info' : !checkNote(d)));
  printFindings(shown, root, io, values.verbose!);
  if (!result.ok) {
    io.stderr.write(
      `\nBuild failed: ${summarize(result.diagnostics)}. Nothing was written; ${path.relative(io.cwd, out) || out} is unchanged.\n`,
    );
    return 1;
  }
  await writeBuild(result, out, {
    assetsDir: path.join(root, 'content', 'assets'),
    keepOtherIssues: values.issue !== undefined,
    siteFiles: await siteFiles(result.content!, result.issues, cache),
    publicOnly,
    spareDir: cache.persistent && spareFolder(root, out),
  });
  if (publicOnly && !values.quiet) {
    io.stdout.write(
      `Wrote the public tree of ${result.issues.length} issue(s) to ${path.relative(io.cwd, out) || '.'}\n`,
    );
    return 0;
  }
  if (!values.quiet) {
    const ms = Math.round(performance.now() - started);
    const rel = (p: string) => path.relative(io.cwd, p) || '.';
    io.stdout.write(
      `Built ${result.issues.length} issue${result.issues.length === 1 ? '' : 's'} in ${ms} ms (${summarize(result.diagnostics)}):\n`,
    );
    // A tenth year of archive is hundreds of issues: the newest few are listed, the rest counted.
    const listed = values.verbose ? result.issues : result.issues.slice(0, LISTED_ISSUES);
    for (const r of listed) {
      io.stdout.write(
        `  ${r.issue.slug}\n    email: ${rel(path.join(out, r.issue.slug, 'email.html'))} (${(r.bytes.html / 1024).toFixed(1)} KB)\n    text:  ${rel(path.join(out, r.issue.slug, 'email.txt'))}\n    web:   ${rel(path.join(out, r.issue.slug, 'web.html'))}\n`,
      );
    }
    const unlisted = result.issues.length - listed.length;
    if (unlisted > 0)
      io.stdout.write(
        `  ...and ${unlisted} older issue${unlisted === 1 ? '' : 's'} in ${rel(out)} (--verbose lists every one)\n`,
      );
    io.stdout.write(
      `Open ${rel(path.join(out, result.issues[0]!.issue.slug, 'email.html'))} in a browser, or run \`npx gazette preview\` for a live preview.\n`,
    );
    if (values.verbose && io.snapshot) io.stdout.write(`Started from the startup snapshot ${io.snapshot}\n`);
  }
  return 0;
}

/**
 * Where the output before last is kept (`.gazette/cache/output/<hash of out>`), or none when a
 * folder on the way is a link: the old output (drafts' emails, issue.json) would be moved to
 * wherever a cloned repository's `.gazette -> ../public_html` points.
 */
function spareFolder(root: string, out: string): string | undefined {
  let dir = root;
  for (const part of ['.gazette', 'cache', 'output']) {
    dir = path.join(dir, part);
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return undefined;
  }
  return path.join(dir, contentHash(out).slice(0, 16));
}

/** The root's folders an output folder may not be or be inside of. */
const INPUT_FOLDERS = ['content', 'templates', '.gazette'];

/** Whether folder `outer` is `inner` or one of its parents, by path or once links are resolved. */
function holds(outer: string, inner: string): boolean {
  const within = (a: string, b: string) => {
    const rel = path.relative(a, b);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return within(outer, inner) || within(real(outer), real(inner));
}

/** One cache for the run; with the on-disk cache under `.gazette/cache/` unless `--no-cache`. */
export function buildCache(root: string, noCache: boolean): BuildCache {
  const cache = new BuildCache();
  if (!noCache) cache.persistent = new PersistentCache(path.join(root, '.gazette', 'cache'));
  return cache;
}
