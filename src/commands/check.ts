import path from 'node:path';
import { BuildCache } from '../cache/build-cache.js';
import { buildIssue } from '../pipeline/build.js';
import type { CheckOptions } from '../check/index.js';
import { readSubscriberSample } from '../check/subscribers.js';
import type { CommandIo } from './io.js';
import { parseCommandArgs } from './args.js';
import { printFindings, summarize } from './print.js';
import { GazetteError } from '../util/errors.js';
import type { Diagnostic } from '../types.js';

const USAGE =
  'gazette check [--root DIR] [--issue SLUG] [--strict] [--format text|json] [--subscribers FILE.csv] [--links] [--links-timeout MS] [--verbose]';

const HELP = `${USAGE}

Builds the issues (or one) through the same pipeline as \`gazette build\`, then checks them the
way mail clients and mail providers will see them: size against Gmail's clipping, images,
links, email-client support (caniemail), compliance, accessibility and merge tags.

  --strict          exit 1 on warnings too (for CI)
  --format json     print only JSON on stdout
  --subscribers F   measure the largest personalized variant and check merge-tag columns
  --links           request every link and image over HTTP(S) (off by default): what send needs
                    online (web version, images, article pages) is link/not-deployed if missing,
                    remote images are weighed (image/remote-weight)
  --links-timeout   per-request timeout in ms (default 8000)
  --verbose         list every information note (default: one line per code with a count)

Exit: 0 clean, 1 errors (or warnings with --strict). Every code is explained in README.md, "Checks".
`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      issue: { type: 'string' },
      strict: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      subscribers: { type: 'string' },
      links: { type: 'boolean', default: false },
      'links-timeout': { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    throw new GazetteError(`unknown format "${values.format}"`, {
      code: 'cli/usage',
      hint: 'Use --format text (default) or --format json.',
    });
  }
  const timeout = values['links-timeout'] === undefined ? undefined : Number(values['links-timeout']);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new GazetteError(
      `--links-timeout must be a positive number of milliseconds, not "${values['links-timeout']}"`,
      { code: 'cli/usage', hint: 'e.g. --links-timeout 5000' },
    );
  }
  const root = path.resolve(io.cwd, values.root!);
  const options: CheckOptions = {};
  if (values.subscribers) options.subscribers = await readSubscriberSample(path.resolve(io.cwd, values.subscribers));
  if (values.links) options.links = { timeoutMs: timeout };

  // Every rule runs once, inside the build. Printed after the build's other findings (loading,
  // templates, MJML), issue by issue.
  const cache = new BuildCache();
  cache.mjml = io.mjml;
  const result = await buildIssue({ root, issue: values.issue, rules: 'all', check: options, cache });
  const perIssue = new Set(result.issues.flatMap((r) => r.diagnostics));
  const diagnostics: Diagnostic[] = [
    ...result.diagnostics.filter((d) => !perIssue.has(d)),
    ...result.issues.flatMap((r) => r.diagnostics),
  ];
  const issues = result.issues.map((r) => ({
    slug: r.issue.slug,
    file: r.issue.file,
    bytes: r.bytes,
    diagnostics: r.diagnostics,
  }));
  const count = (s: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === s).length;
  const summary = { errors: count('error'), warnings: count('warning'), info: count('info') };
  const failed = summary.errors > 0 || (values.strict! && summary.warnings > 0);

  if (values.format === 'json') {
    io.stdout.write(
      JSON.stringify({ ok: !failed, strict: values.strict, summary, issues, diagnostics }, null, 2) + '\n',
    );
    return failed ? 1 : 0;
  }
  printFindings(diagnostics, root, io, values.verbose!);
  const notes = summary.info ? ` and ${summary.info} note${summary.info === 1 ? '' : 's'}` : '';
  const verdict = failed ? 'FAILED' : 'passed';
  io.stdout.write(
    `Checked ${issues.length} issue${issues.length === 1 ? '' : 's'}: ${summarize(diagnostics)}${notes}. ${verdict}${values.strict ? ' (--strict)' : ''}.\n`,
  );
  return failed ? 1 : 0;
}
