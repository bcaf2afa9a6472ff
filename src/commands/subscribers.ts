import path from 'node:path';
import { parseCommandArgs } from './args.js';
import { checkAddress } from '../send/address.js';
import { readRecipients } from '../send/recipients.js';
import { databaseUrl, openSubscriberStores, type SubscriberStores } from '../store/subscriber-store.js';
import { isStatus, type NewSubscriber, type Subscriber, type SubscriberStatus } from '../store/subscribers.js';
import { csvLine } from '../util/csv.js';
import { loadEnv } from '../util/env.js';
import { GazetteError } from '../util/errors.js';
import type { CommandIo } from './io.js';

const USAGE = `gazette subscribers list | add ADDRESS... | remove ADDRESS... | import FILE.csv | export | forget ADDRESS
  [--status STATE] [--field NAME=VALUE]... [--format csv|json] [--database URL] [--root DIR]`;

const HELP = `${USAGE}

The subscriber store (<root>/.gazette/journal.sqlite, or PostgreSQL with GAZETTE_DATABASE_URL or
--database). States: pending, confirmed, unsubscribed, bounced, complained; \`gazette send\` without
--to mails the confirmed ones.

  list      address, state and dates (--status STATE to filter)
  add       adds or updates addresses (default --status confirmed, consent source "cli")
  remove    deletes the subscriber rows (the suppression list is left as it is)
  import    a CSV with an \`email\` column; every other column is kept as a field. New rows get
            --status (default confirmed); existing subscribers keep their state
  export    everything: fields and the consent record
  forget    erases an address everywhere (subscribers, send journal, suppression list) and keeps
            only its hash in the suppression list, so that it is never mailed again`;

const FROM_REASON: Record<string, SubscriberStatus> = {
  unsubscribe: 'unsubscribed',
  bounce: 'bounced',
  complaint: 'complained',
};

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      format: { type: 'string', default: 'csv' },
      status: { type: 'string' },
      field: { type: 'string', multiple: true },
      database: { type: 'string' },
    },
    USAGE,
    true,
  );
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return 0;
  }
  const [action, ...args] = positionals;
  const usage = (m: string) => new GazetteError(m, { code: 'cli/usage', hint: USAGE });
  if (!action || !['list', 'add', 'remove', 'import', 'export', 'forget'].includes(action))
    throw usage(action ? `unknown action "${action}"` : 'an action is required');
  if (values.format !== 'csv' && values.format !== 'json') throw usage(`--format must be csv or json`);
  if (values.status !== undefined && !isStatus(values.status))
    throw new GazetteError(`unknown state "${values.status}"`, {
      code: 'subscribers/invalid-status',
      field: 'status',
      hint: 'Use pending, confirmed, unsubscribed, bounced or complained.',
    });
  const status = values.status as SubscriberStatus | undefined;
  const takesArgs = ['add', 'remove', 'import', 'forget'].includes(action);
  if (takesArgs && args.length === 0)
    throw usage(`\`subscribers ${action}\` needs ${action === 'import' ? 'a CSV file' : 'an address'}`);
  if (!takesArgs && args.length > 0) throw usage(`\`subscribers ${action}\` takes no arguments`);
  const root = path.resolve(io.cwd, values.root!);
  const stores = await openSubscriberStores({ root, url: databaseUrl(values.database, loadEnv(root, io.env)) });
  try {
    switch (action) {
      case 'list':
      case 'export':
        return await print(stores, io, values.format, action === 'export', status);
      case 'import':
        return await importCsv(stores, io, args, status ?? 'confirmed');
      default:
        return await byAddress(stores, io, action, args.map(address), {
          status: status ?? 'confirmed',
          fields: parseFields(values.field ?? [], usage),
        });
    }
  } finally {
    await stores.close();
  }
}

function address(raw: string): string {
  const c = checkAddress(raw);
  if (!c.ok)
    throw new GazetteError(`${JSON.stringify(raw)} ${c.reason}`, {
      code: 'subscribers/invalid-address',
      hint: 'Give plain addresses, e.g. gazette subscribers add name@example.org',
    });
  return c.email;
}

function parseFields(pairs: string[], usage: (m: string) => Error): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq < 1) throw usage(`--field ${JSON.stringify(p)} is not NAME=VALUE`);
    out[p.slice(0, eq).trim()] = p.slice(eq + 1);
  }
  return out;
}

async function byAddress(
  s: SubscriberStores,
  io: CommandIo,
  action: string,
  emails: string[],
  o: { status: SubscriberStatus; fields: Record<string, string> },
): Promise<number> {
  let changed = 0;
  for (const email of emails) {
    if (action === 'remove') changed += (await s.subscribers.remove(email)) ? 1 : 0;
    else if (action === 'forget') changed += (await s.subscribers.forget(email)).found ? 1 : 0;
    else {
      const sup = await s.suppressions.get(email);
      if (sup?.email.startsWith('sha256:')) {
        io.stderr.write(`warning: ${email} was forgotten at its owner's request; not added [subscribers/forgotten]\n`);
        continue;
      }
      const now = new Date().toISOString();
      await s.subscribers.put({
        email,
        fields: o.fields,
        status: o.status,
        consent: { source: 'cli', confirmedAt: o.status === 'confirmed' ? now : null },
      });
      changed++;
      if (sup)
        io.stderr.write(
          `note: ${email} stays on the suppression list (${sup.reason}); \`gazette suppress remove\` lifts it\n`,
        );
    }
  }
  const verb = { add: 'Added or updated', remove: 'Removed', forget: 'Forgot' }[action]!;
  io.stdout.write(
    `${verb} ${changed} address${changed === 1 ? '' : 'es'}${changed < emails.length ? ` (${emails.length - changed} unknown or skipped)` : ''}.\n`,
  );
  return 0;
}

async function importCsv(
  s: SubscriberStores,
  io: CommandIo,
  files: string[],
  status: SubscriberStatus,
): Promise<number> {
  const totals = { added: 0, updated: 0 };
  let invalid = 0;
  let skipped = 0;
  for (const file of files) {
    const display = path.relative(io.cwd, path.resolve(io.cwd, file)) || file;
    let batch: NewSubscriber[] = [];
    const flush = async () => {
      const r = await s.subscribers.putMany(batch);
      totals.added += r.added;
      totals.updated += r.updated;
      batch = [];
    };
    for await (const row of readRecipients(path.resolve(io.cwd, file), display)) {
      if (row.kind === 'invalid') {
        invalid++;
        io.stderr.write(`${display}:${row.line}: warning: ${row.reason}; skipped [subscribers/invalid-address]\n`);
        continue;
      }
      const sup = await s.suppressions.get(row.email);
      if (sup?.email.startsWith('sha256:')) {
        skipped++;
        continue;
      }
      const { email: _, ...fields } = row.fields;
      const now = new Date().toISOString();
      batch.push({
        email: row.email,
        fields,
        // A suppressed address comes in in the state its suppression means, never as confirmed.
        status: sup ? (FROM_REASON[sup.reason] ?? 'unsubscribed') : status,
        keepStatus: true,
        consent: { source: `import:${display}`, at: now, confirmedAt: status === 'confirmed' && !sup ? now : null },
      });
      if (batch.length >= 500) await flush();
    }
    await flush();
  }
  io.stdout.write(
    `Imported ${totals.added} new and updated ${totals.updated} subscriber${totals.added + totals.updated === 1 ? '' : 's'}` +
      `${invalid ? `; ${invalid} invalid rows skipped` : ''}${skipped ? `; ${skipped} forgotten addresses skipped` : ''}.\n`,
  );
  // Partial success (some rows skipped) exits 2, as for every command: docs/exit-codes.md.
  return invalid > 0 ? 2 : 0;
}

async function print(s: SubscriberStores, io: CommandIo, format: string, full: boolean, status?: SubscriberStatus) {
  const filter = status ? { status } : undefined;
  // Export's columns: the fixed ones, then every field name any subscriber has (a first pass).
  const names = new Set<string>();
  if (full && format === 'csv')
    for await (const sub of s.subscribers.list(filter)) for (const k of Object.keys(sub.fields)) names.add(k);
  const fieldNames = [...names].sort();
  const head = full
    ? [
        'email',
        'status',
        'consent_source',
        'consent_at',
        'confirmed_at',
        'ip_hash',
        'created_at',
        'updated_at',
        ...fieldNames,
      ]
    : ['email', 'status', 'created_at', 'confirmed_at'];
  const cells = (sub: Subscriber): string[] =>
    full
      ? [
          sub.email,
          sub.status,
          sub.consent.source ?? '',
          sub.consent.at ?? '',
          sub.consent.confirmedAt ?? '',
          sub.consent.ipHash ?? '',
          sub.createdAt,
          sub.updatedAt,
          ...fieldNames.map((n) => sub.fields[n] ?? ''),
        ]
      : [sub.email, sub.status, sub.createdAt, sub.consent.confirmedAt ?? ''];
  if (format === 'csv') io.stdout.write(csvLine(head));
  else io.stdout.write('[');
  let first = true;
  for await (const sub of s.subscribers.list(filter)) {
    if (format === 'csv') io.stdout.write(csvLine(cells(sub)));
    else {
      const obj = full
        ? sub
        : { email: sub.email, status: sub.status, createdAt: sub.createdAt, confirmedAt: sub.consent.confirmedAt };
      io.stdout.write(`${first ? '\n' : ',\n'}${JSON.stringify(obj)}`);
      first = false;
    }
  }
  if (format === 'json') io.stdout.write(first ? ']\n' : '\n]\n');
  return 0;
}
