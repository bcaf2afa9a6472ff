import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emlTransport } from '../../../src/send/transport.js';
import { openDatabase } from '../../../src/store/db.js';
import { SuppressionList } from '../../../src/store/suppression.js';
import { envFileWarning } from '../../../src/util/env.js';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});
async function tmpRoot(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'gazette-modes-'));
  dirs.push(d);
  return d;
}
const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('attack: another local user reads the recipients (issue 12)', () => {
  it('.gazette/ is 0700 and the SQLite database, -wal and -shm are 0600, also when an older version made them open', async () => {
    const root = await tmpRoot();
    const state = path.join(root, '.gazette');
    await mkdir(state, { mode: 0o755 });
    await chmod(state, 0o755);
    await writeFile(path.join(state, 'journal.sqlite'), '');
    await chmod(path.join(state, 'journal.sqlite'), 0o644);
    const db = openDatabase(root);
    try {
      new SuppressionList(db).add('reader@example.org', 'manual', 'test'); // creates -wal and -shm
      expect(await mode(state)).toBe(0o700);
      const files = (await readdir(state)).filter((f) => f.startsWith('journal.sqlite'));
      expect(files.sort()).toEqual(['journal.sqlite', 'journal.sqlite-shm', 'journal.sqlite-wal']);
      for (const f of files) expect(await mode(path.join(state, f)), f).toBe(0o600);
    } finally {
      db.close();
    }
  });

  it('outbox .eml files are 0600 in a 0700 folder', async () => {
    const root = await tmpRoot();
    const outbox = path.join(root, '.gazette', 'outbox', 'issue');
    const t = emlTransport(outbox);
    await t.send({ email: 'reader@example.org', raw: 'To: reader@example.org\r\n\r\nHi' } as never);
    const [file] = await readdir(outbox);
    expect(await mode(path.join(outbox, file!))).toBe(0o600);
    expect(await mode(outbox)).toBe(0o700);
  });

  it('warns when .env is readable by others, and names the fix', async () => {
    const root = await tmpRoot();
    expect(envFileWarning(root)).toBeUndefined();
    await writeFile(path.join(root, '.env'), 'GAZETTE_SECRET=x\n');
    await chmod(path.join(root, '.env'), 0o644);
    expect(envFileWarning(root)).toMatch(/readable by others \(mode 644\)[\s\S]*chmod 600/);
    await chmod(path.join(root, '.env'), 0o600);
    expect(envFileWarning(root)).toBeUndefined();
  });
});
