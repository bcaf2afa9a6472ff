import path from 'node:path';
import { applyReport, emptyTally, type Tally } from '../bounces/apply.js';
import { parseReport } from '../bounces/parse.js';
import { readImap, readMaildir, readMbox } from '../bounces/read.js';
import { databaseUrl, openSubscriberStores } from '../store/subscriber-store.js';
import { loadEnv } from '../util/env.js';
import { intOption, parseCommandArgs, usageError } from './args.js';
import type { CommandIo } from './io.js';

const USAGE = `gazette bounces --maildir DIR | --mbox FILE | --imap URL  [--soft-limit N] [--soft-window DAYS]
                [--database URL] [--root DIR]`;

const HELP = `${USAGE}

Reads delivery status notifications (RFC 3464) and feedback-loop reports (RFC 5965 ARF) and stops
the addresses they are about: a hard bounce (failed, 5.x.x) marks the subscriber bounced, a
complaint marks it complained, both at once and in the suppression list; soft bounces (delayed,
4.x.x, mailbox full) count, and --soft-limit of them (default 3) within --soft-window days
(default 14) bounce the address. Reports are matched by the original Message-ID in the send
journal, a VERP address bounces+<token>@..., the original headers, or the report's recipient.
Reading the same mailbox again changes nothing. --imap reads unseen messages and marks them seen.`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      maildir: { type: 'string' },
      mbox: { type: 'string' },
      imap: { type: 'string' },
      'soft-limit': { type: 'string' },
      'soft-window': { type: 'string' },
      database: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return 0;
  }
  const given = [values.maildir, values.mbox, values.imap].filter((v) => v !== undefined);
  if (given.length !== 1) throw usageError('give exactly one of --maildir, --mbox or --imap', USAGE);
  const softLimit = intOption(values['soft-limit'], '--soft-limit', 3, 1, 1000, USAGE);
  const days = intOption(values['soft-window'], '--soft-window', 14, 1, 3650, USAGE);
  const root = path.resolve(io.cwd, values.root!);
  const env = loadEnv(root, io.env);
  const messages = values.maildir
    ? readMaildir(path.resolve(io.cwd, values.maildir))
    : values.mbox
      ? readMbox(path.resolve(io.cwd, values.mbox))
      : readImap(values.imap!);
  const stores = await openSubscriberStores({ root, url: databaseUrl(values.database, env) });
  const tally = emptyTally();
  try {
    const options = {
      stores,
      secret: env.GAZETTE_SECRET,
      softLimit,
      softWindowMs: days * 86_400_000,
    };
    for await (const raw of messages) {
      tally.messages++;
      const report = parseReport(raw);
      if (!report) tally.notReports++;
      else await applyReport(report, options, tally);
    }
  } finally {
    await stores.close();
  }
  io.stdout.write(summary(tally));
  return 0;
}

export function summary(t: Tally): string {
  return (
    `Read ${t.messages} message${t.messages === 1 ? '' : 's'}: ${t.hard} hard bounce${t.hard === 1 ? '' : 's'}, ` +
    `${t.complaints} complaint${t.complaints === 1 ? '' : 's'}, ${t.soft} soft bounce${t.soft === 1 ? '' : 's'}` +
    `${t.softStopped ? ` (${t.softStopped} reached the limit)` : ''}, ${t.unmatched} unmatched, ` +
    `${t.notReports} not a report.\n`
  );
}
