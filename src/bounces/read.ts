import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { GazetteError } from '../util/errors.js';

// The mailboxes `gazette bounces` reads: a Maildir (cur/ and new/), an mbox (mboxrd: a line that
// starts with "From " opens a message, ">From " inside is unescaped), or IMAP through imapflow.

export async function* readMaildir(dir: string): AsyncGenerator<string> {
  let found = false;
  for (const sub of ['new', 'cur', '.']) {
    let names: string[];
    try {
      names = (await readdir(path.join(dir, sub))).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const file = path.join(dir, sub, n);
      if (n.startsWith('.') || !(await stat(file)).isFile()) continue;
      found = true;
      yield await readFile(file, 'latin1');
    }
    if (found && sub !== '.') continue;
  }
  if (!found) unreadable(dir, 'has no messages in new/, cur/ or itself');
}

/** Streams the mbox: memory stays at one message however large the file. */
export async function* readMbox(file: string): AsyncGenerator<string> {
  let current: string[] | undefined;
  let rest = '';
  let any = false;
  const finish = (lines: string[]) => lines.join('\n').replace(/\n$/, '');
  try {
    for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
      const text = rest + (chunk as string);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('From ')) {
          if (current) yield finish(current);
          current = [];
          any = true;
        } else if (current) current.push(/^>+From /.test(line) ? line.slice(1) : line);
      }
    }
  } catch (cause) {
    unreadable(file, (cause as Error).message);
  }
  if (rest && current) current.push(rest);
  if (current) yield finish(current);
  if (!any) unreadable(file, 'is not an mbox (no line starts with "From ")');
}

/** Every unseen message of the URL's folder (default INBOX); each is marked seen once read. */
export async function* readImap(url: string): AsyncGenerator<string> {
  const u = new URL(url);
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') unreadable(url, 'is not an imap:// or imaps:// URL');
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'imaps:' ? 993 : 143)),
    secure: u.protocol === 'imaps:',
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX');
    try {
      const seen: number[] = [];
      for await (const m of client.fetch({ seen: false }, { source: true, uid: true })) {
        if (m.source) yield m.source.toString('latin1');
        seen.push(m.uid);
      }
      if (seen.length) await client.messageFlagsAdd(seen, ['\\Seen'], { uid: true });
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => {});
  }
}

function unreadable(where: string, why: string): never {
  throw new GazetteError(`cannot read ${where}: ${why}`, {
    code: 'bounces/unreadable',
    hint: 'Give an existing Maildir folder (with cur/ and new/), an mbox file, or an imap(s)://user:password@host/FOLDER URL.',
  });
}
