import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseCommandArgs } from './args.js';
import { type CommandIo, displayPath } from './io.js';
import { email as emailSchema, httpsUrl } from '../load/schema.js';
import { FIRST_ISSUE, type InitAnswers, initFiles, PLACEHOLDERS } from '../scaffold/init-files.js';
import { today } from '../util/dates.js';
import { GazetteError } from '../util/errors.js';

const USAGE = 'gazette init [DIR] [--name NAME] [--url https://...] [--from ADDRESS] [--address "POSTAL ADDRESS"]';

const HELP = `${USAGE}

Creates a new publication root in DIR (default: the current folder): content/publication.yml,
a first article and issue, .gitignore, .env.example and a GitHub Actions workflow that runs
\`gazette check --strict\` on pull requests. Never overwrites: if any of these files exists,
nothing is written.

On a terminal it asks for what the flags do not give; otherwise the missing values are written as
"change-me" placeholders, which \`gazette check\` reports until they are replaced.
`;

/** What init needs of the world (a CommandIo; stdin only for the questions on a terminal). */
type InitIo = Pick<CommandIo, 'stdout' | 'stderr' | 'stdin' | 'cwd'>;

type Key = 'name' | 'url' | 'from' | 'address';
const QUESTIONS: Record<Key, string> = {
  name: 'Name of the newsletter',
  url: 'Public https address where dist/ will be published',
  from: 'From address (e.g. newsletter@example.org)',
  address: 'Postal address for the footer',
};

export async function run(argv: string[], io: InitIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      name: { type: 'string' },
      url: { type: 'string' },
      from: { type: 'string' },
      address: { type: 'string' },
    },
    USAGE,
    true,
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new GazetteError('init takes one folder', { code: 'cli/usage', hint: USAGE });
  const root = path.resolve(io.cwd, positionals[0] ?? '.');
  const given: Partial<Record<Key, string>> = {
    name: values.name,
    url: values.url,
    from: values.from,
    address: values.address,
  };
  for (const k of Object.keys(given) as Key[]) validate(k, given[k]);

  // Refuse before asking anything: nothing of an existing root is ever replaced.
  const probe = initFiles({ ...PLACEHOLDERS, date: today() });
  const existing = [];
  for (const rel of Object.keys(probe)) if (await exists(path.join(root, rel))) existing.push(rel);
  if (existing.length) {
    throw new GazetteError(`${display(io, root)} already has ${existing.join(', ')}`, {
      code: 'init/exists',
      hint: 'gazette init never overwrites. Choose an empty folder (gazette init DIR), or move these files away first.',
    });
  }

  const missing = (Object.keys(QUESTIONS) as Key[]).filter((k) => !given[k]?.trim());
  const interactive = Boolean(io.stdin?.isTTY && io.stdout.isTTY);
  if (missing.length && interactive) Object.assign(given, await ask(io, missing));
  const placeholders = (Object.keys(QUESTIONS) as Key[]).filter((k) => !given[k]?.trim());
  const answers: InitAnswers = {
    name: given.name?.trim() || PLACEHOLDERS.name,
    url: (given.url?.trim() || PLACEHOLDERS.url).replace(/\/+$/, ''),
    from: given.from?.trim() || PLACEHOLDERS.from,
    address: given.address?.trim() || PLACEHOLDERS.address,
    date: today(),
  };

  const files = initFiles(answers);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    // 'wx': a file that appeared since the probe is still never overwritten.
    await writeFile(file, text, { flag: 'wx' });
  }
  const where = display(io, root);
  const cd = where === '.' ? '' : `cd ${where} && `;
  io.stdout.write(
    `Created a Gazette publication in ${where}:\n${Object.keys(files)
      .filter((f) => !f.endsWith('.gitkeep'))
      .map((f) => `  ${f}`)
      .join('\n')}\n`,
  );
  if (placeholders.length) {
    io.stdout.write(
      `\nPlaceholders written for ${placeholders.map((k) => `--${k}`).join(', ')}: replace every "change-me" in content/publication.yml (\`gazette check\` lists them).\n`,
    );
  }
  io.stdout.write(
    `\nNext: ${cd}npx gazette preview   (then edit content/issues/${FIRST_ISSUE}.md; cp .env.example .env before sending)\n`,
  );
  return 0;
}

async function ask(io: InitIo, keys: Key[]): Promise<Partial<Record<Key, string>>> {
  // Lines are read through the iterator, which buffers: answers typed (or pasted) ahead are kept.
  const rl = createInterface({ input: io.stdin!, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const out: Partial<Record<Key, string>> = {};
  try {
    for (const k of keys) {
      for (;;) {
        io.stdout.write(`${QUESTIONS[k]} (empty: a placeholder): `);
        const next = await lines.next();
        const answer = next.done ? '' : String(next.value).trim();
        if (!answer) break;
        try {
          validate(k, answer);
          out[k] = answer;
          break;
        } catch (err) {
          io.stdout.write(`  ${(err as GazetteError).hint ?? (err as Error).message}\n`);
        }
      }
    }
  } finally {
    rl.close();
  }
  return out;
}

function validate(key: Key, value: string | undefined): void {
  if (value === undefined || !value.trim()) return;
  const check = key === 'url' ? httpsUrl : key === 'from' ? emailSchema : undefined;
  if (!check) return;
  const parsed = check.safeParse(value.trim());
  if (!parsed.success) {
    throw new GazetteError(`--${key} ${parsed.error.issues[0]?.message ?? 'is not valid'}: ${JSON.stringify(value)}`, {
      code: 'cli/usage',
      field: key,
      hint: key === 'url' ? 'e.g. --url https://news.example.org' : 'e.g. --from newsletter@example.org',
    });
  }
}

function display(io: InitIo, p: string): string {
  return displayPath(io, p);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
