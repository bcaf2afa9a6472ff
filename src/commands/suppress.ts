import path from 'node:path';
import type { CommandIo, OutputStream } from './io.js';
import { parseCommandArgs } from './args.js';
import { publicationRoot } from './root.js';
import { GazetteError } from '../util/errors.js';
import { checkAddress } from '../send/address.js';
import { readRecipients } from '../send/recipients.js';
import { openDatabase } from '../store/db.js';
import { type Suppression, SuppressionList } from '../store/suppression.js';
import { csvLine } from '../util/csv.js';

const USAGE = `gazette suppress add ADDRESS... | remove ADDRESS... | list [--format csv|json] | import FILE.csv   [--root DIR]`;

const HELP = `${USAGE}

The suppression list (<root>/.gazette/journal.sqlite): \`gazette send\` skips these addresses.
\`gazette serve\` adds everyone who unsubscribes, \`gazette bounces\` hard bounces and complaints.
\`list\` prints one address a line; with --format csv or json: address, reason (unsubscribe,
bounce, complaint, manual, import), date and source. A forgotten address shows as its sha256: hash.
\`import\` reads the \`email\` column of a CSV.`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { root: { type: 'string', default: '.' }, format: { type: 'string' } },
    USAGE,
    true,
  );
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return 0;
  }
  const [action, ...args] = positionals;
  if (!action || !['add', 'remove', 'list', 'import'].includes(action)) {
    throw new GazetteError(action ? `unknown action "${action}"` : 'an action is required', {
      code: 'cli/usage',
      hint: USAGE,
    });
  }
  if (action !== 'list' && args.length === 0)
    throw new GazetteError(
      `\`suppress ${action}\` needs ${action === 'import' ? 'a CSV file' : 'at least one address'}`,
      { code: 'cli/usage', hint: USAGE },
    );
  if (values.format !== undefined && (action !== 'list' || !['csv', 'json'].includes(values.format)))
    throw new GazetteError('--format is csv or json, for `suppress list` only', { code: 'cli/usage', hint: USAGE });
  if (action === 'list' && args.length > 0)
    throw new GazetteError('`suppress list` takes no arguments', { code: 'cli/usage', hint: USAGE });

  const root = publicationRoot(io, values.root!);
  const db = openDatabase(root);
  try {
    const list = new SuppressionList(db);
    if (action === 'list') {
      if (values.format === undefined) for (const s of list.list()) io.stdout.write(`${s.email}\n`);
      else printList(list.list(), values.format, io.stdout);
      return 0;
    }
    if (action === 'import') {
      let added = 0;
      let repeated = 0;
      const skipped: string[] = [];
      let batch: string[] = [];
      const flush = (display: string) => {
        const n = list.addMany(batch, 'import', display);
        added += n;
        repeated += batch.length - n;
        batch = [];
      };
      for (const file of args) {
        const display = path.relative(io.cwd, path.resolve(io.cwd, file)) || file;
        for await (const row of readRecipients(path.resolve(io.cwd, file), display)) {
          if (row.kind === 'invalid') {
            skipped.push(`${args.length > 1 ? `${display} ` : ''}line ${row.line}: ${row.reason}`);
            io.stderr.write(`${display}:${row.line}: warning: ${row.reason}; skipped [suppress/invalid-address]\n`);
            continue;
          }
          batch.push(row.email);
          if (batch.length >= 1000) flush(display);
        }
        flush(display);
      }
      const shown = skipped.slice(0, 3).join('; ') + (skipped.length > 3 ? `; and ${skipped.length - 3} more` : '');
      io.stdout.write(
        `Imported ${added} new suppressed address${added === 1 ? '' : 'es'}${repeated ? ` (${repeated} already suppressed)` : ''}${skipped.length ? `, skipped ${skipped.length} (${shown})` : ''}.\n`,
      );
      // Partial success (some rows skipped) exits 2, as for every command: docs/exit-codes.md.
      return skipped.length > 0 ? 2 : 0;
    }
    // add / remove: validate every address first, so a typo changes nothing.
    const emails = args.map((a) => {
      const c = checkAddress(a);
      if (!c.ok)
        throw new GazetteError(`${JSON.stringify(a)} ${c.reason}`, {
          code: 'suppress/invalid-address',
          hint: 'Give plain addresses, e.g. gazette suppress add name@example.org',
        });
      return c.email;
    });
    let changed = 0;
    db.transaction(() => {
      for (const e of emails) if (action === 'add' ? list.add(e, 'manual') : list.remove(e)) changed++;
    })();
    const verb = action === 'add' ? 'Suppressed' : 'Removed';
    io.stdout.write(
      `${verb} ${changed} address${changed === 1 ? '' : 'es'}${changed < emails.length ? ` (${emails.length - changed} ${action === 'add' ? 'already suppressed' : 'were not suppressed'})` : ''}.\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}

function printList(rows: Iterable<Suppression>, format: string, out: OutputStream): void {
  if (format === 'csv') {
    out.write(csvLine(['email', 'reason', 'date', 'source']));
    for (const s of rows) out.write(csvLine([s.email, s.reason, s.createdAt, s.source ?? '']));
    return;
  }
  let first = true;
  out.write('[');
  for (const s of rows) {
    out.write(
      `${first ? '\n' : ',\n'}${JSON.stringify({ email: s.email, reason: s.reason, date: s.createdAt, source: s.source })}`,
    );
    first = false;
  }
  out.write(first ? ']\n' : '\n]\n');
}
