import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandIo } from './io.js';
import { parseCommandArgs } from './args.js';
import { today } from '../util/dates.js';
import { GazetteError } from '../util/errors.js';
import { loadContent } from '../load/index.js';
import { isRealDate } from '../load/schema.js';
import { SLUG_RULE, slugify } from '../scaffold/slug.js';
import { planIssue } from '../scaffold/issue-plan.js';
import { articleFile, issueFile } from '../scaffold/templates.js';
import { issueLayouts } from '../render/theme-files.js';

const USAGE = `gazette new article "Title" [--root DIR] [--slug SLUG] [--date YYYY-MM-DD]
gazette new issue ["Title"] [--layout digest|feature|NAME] [--root DIR] [--slug SLUG] [--date YYYY-MM-DD]`;

const HELP = `${USAGE}

Creates content/articles/<slug>.md or content/issues/<slug>.md with every front-matter field
filled in or commented. The slug comes from the title (or, for an issue without a title, from the
date: issue-YYYY-MM-DD); the date defaults to today. Never overwrites an existing file.
`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      slug: { type: 'string' },
      date: { type: 'string' },
      layout: { type: 'string', default: 'digest' },
    },
    USAGE,
    true,
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const [kind, title, ...extra] = positionals;
  if ((kind !== 'article' && kind !== 'issue') || extra.length) {
    throw new GazetteError(
      kind ? `cannot create "${[kind, title, ...extra].filter(Boolean).join(' ')}"` : 'what should be created?',
      {
        code: 'cli/usage',
        hint: `${USAGE}\n  (quote a title with spaces: gazette new article "My title")`,
      },
    );
  }
  const root = path.resolve(io.cwd, values.root!);
  await requireContentDir(root);
  const date = values.date ?? today();
  if (!isRealDate(date))
    throw new GazetteError(`--date "${date}" is not a date`, {
      code: 'cli/usage',
      hint: 'Write it as YYYY-MM-DD, e.g. --date 2025-11-21.',
    });
  // The same layouts build accepts: the theme's and the root's own templates/layouts/.
  const layouts = await issueLayouts(root);
  if (!layouts.includes(values.layout!)) {
    throw new GazetteError(`unknown layout "${values.layout}"`, {
      code: 'cli/usage',
      field: 'layout',
      hint: `Use --layout digest (several teasers), --layout feature (one article in full)${layouts.length > 2 ? ` or one of this root's: ${layouts.filter((l) => l !== 'digest' && l !== 'feature').join(', ')}` : ''}; a layout of your own is templates/layouts/<name>.mjml.hbs.`,
    });
  }

  if (kind === 'article') {
    if (!title?.trim())
      throw new GazetteError('an article needs a title', {
        code: 'cli/usage',
        hint: 'gazette new article "Winter arts festival returns"',
      });
    const slug = pickSlug(values.slug, title);
    const file = await create(root, 'articles', slug, articleFile({ title, date }));
    io.stdout.write(
      `Created ${file}\nNext: write it, add "${slug}" to an issue's \`articles:\` list, and run \`gazette preview\`.\n`,
    );
    return 0;
  }

  // A root without an issue yet does not load as a whole (content/no-issues); what did load is
  // enough to propose the first one.
  const { partial } = await loadContent(root);
  const plan = planIssue({
    publication: partial.publication,
    articles: [...partial.articles.values()],
    issues: partial.issues,
    unreadSlugs: await articleSlugsOnDisk(root),
    date,
    title,
    layout: values.layout!,
  });
  const chosen = plan.articles;
  const file = await create(root, 'issues', pickSlug(values.slug, title, `issue-${date}`), issueFile(plan));
  io.stdout.write(
    `Created ${file}${chosen.length ? ` with ${chosen.length} article${chosen.length === 1 ? '' : 's'}` : ''}\n`,
  );
  if (!chosen.length)
    io.stdout.write(
      'It lists no article yet: create one with `gazette new article "Title"` and add its slug under `articles:`.\n',
    );
  io.stdout.write('Next: edit it and run `gazette preview`.\n');
  return 0;
}

function pickSlug(given: string | undefined, title: string | undefined, fallback?: string): string {
  if (given !== undefined) {
    const slug = given.normalize('NFC');
    if (!SLUG_RULE.test(slug))
      throw new GazetteError(`--slug "${given}" cannot be used as a file name`, {
        code: 'new/bad-slug',
        hint: 'Use letters, digits and dashes only, e.g. --slug campus-arts-festival.',
      });
    return slug;
  }
  if (!title?.trim() && fallback) return fallback;
  const slug = slugify(title ?? '');
  if (!slug)
    throw new GazetteError(`no slug can be made from the title "${title}"`, {
      code: 'new/bad-slug',
      hint: 'The title has no letters or digits; give the file name with --slug my-article.',
    });
  return slug;
}

/** Writes content/<kind>/<slug>.md, refusing to overwrite or to shadow a slug used in a subfolder. */
async function create(root: string, kind: 'articles' | 'issues', slug: string, text: string): Promise<string> {
  const dir = path.join(root, 'content', kind);
  const rel = `content/${kind}/${slug}.md`;
  const clash = (await listFiles(dir)).find((f) => path.basename(f).toLowerCase() === `${slug}.md`.toLowerCase());
  if (clash) {
    throw new GazetteError(`content/${kind}/${clash.split(path.sep).join('/')} already exists; not overwriting it`, {
      code: 'new/exists',
      file: `content/${kind}/${clash.split(path.sep).join('/')}`,
      hint: 'Choose another title, or give another file name with --slug.',
    });
  }
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(path.join(dir, `${slug}.md`), text, { flag: 'wx' }); // wx: never overwrite, even in a race
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST')
      throw new GazetteError(`${rel} already exists; not overwriting it`, {
        code: 'new/exists',
        file: rel,
        hint: 'Choose another title, or give another file name with --slug.',
        cause,
      });
    throw cause;
  }
  return rel;
}

async function requireContentDir(root: string): Promise<void> {
  try {
    if ((await stat(path.join(root, 'content'))).isDirectory()) return;
  } catch {
    // reported below
  }
  throw new GazetteError(`no content/ folder in ${root}`, {
    code: 'content/missing',
    file: 'content',
    hint: 'Run gazette new in a publication folder (one with content/publication.yml), or pass --root DIR.',
  });
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    return await readdir(dir, { recursive: true });
  } catch {
    return [];
  }
}

async function articleSlugsOnDisk(root: string): Promise<string[]> {
  return (await listFiles(path.join(root, 'content', 'articles')))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.basename(f, '.md'))
    .sort();
}
