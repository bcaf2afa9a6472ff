import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLUSH_DELAY_MS, type WorkerIdentity } from '../../src/store/journal.js';
import { forgottenKey } from '../../src/store/subscribers.js';
import { openStore, type Store } from '../../src/store/open.js';
import { createTestDatabase, pgAvailable } from '../helpers/pg.js';
import { recipientRow as row } from '../helpers/journal.js';

// One contract for every store: the same suite runs against the root's SQLite file and against
// PostgreSQL (its own database, dropped afterwards). Two `Store`s opened on the same place are
// two workers: two connections, as two processes would have.

interface Backend {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gazette-store-'));
  return { open: () => openStore({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
}

async function postgresBackend(): Promise<Backend> {
  const db = await createTestDatabase('contract');
  return { open: () => openStore({ root: '.', url: db.url }), cleanup: () => db.drop() };
}

const worker = (name: string): WorkerIdentity => ({ owner: name, host: 'test', pid: 1, source: 'list.csv' });
const stats = { sent: 0, failed: 0, inFlight: 0 };

const hasPg = await pgAvailable();
const backends: [string, () => Promise<Backend>][] = [['sqlite', sqliteBackend]];
if (hasPg) backends.push(['postgres', postgresBackend]);

describe.each(backends)('store contract: %s', (_name, make) => {
  let backend: Backend;
  const opened: Store[] = [];
  const open = async () => {
    const s = await backend.open();
    opened.push(s);
    return s;
  };
  beforeAll(async () => {
    backend = await make();
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    await backend.cleanup();
  });

  it('loads a list once, tells duplicates from resumed and already-sent rows, and claims each row once', async () => {
    const { journal } = await open();
    const entry = await journal.enterRun('i', worker('w1'), 60_000);
    expect(entry.role).toBe('load');
    const first = entry.loadId;
    expect(
      await journal.addRecipients('i', first, [row('a@x.org'), row('b@x.org'), row('a@x.org'), row('c@x.org')]),
    ).toEqual(['new', 'new', 'duplicate', 'new']);
    await journal.finishLoad(first);
    const claimed = await journal.claim('i', first, 'w1', 2, 60_000);
    expect(claimed.map((r) => r.email)).toEqual(['a@x.org', 'b@x.org']);
    const rest = await journal.claim('i', first, 'w1', 10, 400);
    expect(rest.map((r) => r.email)).toEqual(['c@x.org']);
    expect(await journal.claim('i', first, 'w1', 10, 60_000)).toEqual([]);
    journal.record(claimed[0]!, { state: 'sent', response: '250 ok' });
    journal.record(claimed[1]!, { state: 'failed', permanent: true, smtpCode: 550, response: 'no' });
    await journal.flush();
    expect(await journal.counts('i', first)).toMatchObject({ sent: 1, failedPermanent: 1, sending: 1 });
    expect(await journal.failuresByCode('i', first)).toEqual({ '550': 1 });
    await journal.leaveRun('w1', stats);

    // A later run: nobody is live, so it is a new load. a is done, b failed for good, and c was
    // left `sending` by a "crash": its lease ran out, so it is claimed again with its Message-ID.
    await sleep(450);
    const second = await journal.enterRun('i', worker('w2'), 60_000);
    expect(second.role).toBe('load');
    expect(await journal.addRecipients('i', second.loadId, [row('a@x.org'), row('b@x.org'), row('c@x.org')])).toEqual([
      'already-sent',
      'resumed',
      'resumed',
    ]);
    const again = await journal.claim('i', second.loadId, 'w2', 10, 60_000);
    expect(again.map((r) => [r.email, r.messageId, r.attempts])).toEqual([['c@x.org', '<c@x.org>', 0]]);
    await journal.leaveRun('w2', stats);
  });

  it('fences: after a lease runs out, the old owner changes nothing but a 250 still counts', async () => {
    const a = (await open()).journal;
    const b = (await open()).journal;
    const { loadId } = await a.enterRun('fence', worker('A'), 60_000);
    await a.addRecipients('fence', loadId, [row('one@x.org'), row('two@x.org')]);
    await a.finishLoad(loadId);
    const mine = await a.claim('fence', loadId, 'A', 10, 300);
    expect(mine).toHaveLength(2);
    expect(await b.claim('fence', loadId, 'B', 10, 60_000)).toEqual([]);
    await sleep(400);
    const theirs = await b.claim('fence', loadId, 'B', 10, 60_000);
    expect(theirs.map((r) => r.email)).toEqual(['one@x.org', 'two@x.org']);
    expect(theirs[0]!.token).not.toBe(mine[0]!.token);
    // A wakes up: its failure and its release are refused; its 250 counts.
    a.record(mine[0]!, { state: 'failed', permanent: true, smtpCode: 550 });
    await a.release([mine[1]!]);
    await a.flush();
    expect(await a.counts('fence', loadId)).toMatchObject({ sending: 2, failedPermanent: 0, pending: 0 });
    a.record(mine[1]!, { state: 'sent', response: '250 late' });
    await a.flush();
    expect(await a.counts('fence', loadId)).toMatchObject({ sending: 1, sent: 1 });
    // B's own outcomes apply under its token.
    b.record(theirs[0]!, { state: 'failed', permanent: false, smtpCode: 451, notBefore: Date.now() + 60_000 });
    b.record(theirs[1]!, { state: 'failed', permanent: true, smtpCode: 550 });
    await b.flush();
    expect(await b.counts('fence', loadId)).toMatchObject({ sent: 1, failedTemporary: 1, failedPermanent: 0 });
  });

  it('renews the leases of a live worker; a joiner waits for the load, and takes it over if the loader dies', async () => {
    const a = (await open()).journal;
    const b = (await open()).journal;
    const entry = await a.enterRun('join', worker('LA'), 1000);
    expect(entry.role).toBe('load');
    const joined = await b.enterRun('join', worker('LB'), 1000);
    expect(joined).toMatchObject({ role: 'join', loadId: entry.loadId, loadedBy: 'LA', source: 'list.csv' });
    expect(await b.loadState(entry.loadId, 'LB')).toBe('loading');
    await a.addRecipients('join', entry.loadId, [row('j1@x.org'), row('j2@x.org')]);
    await a.finishLoad(entry.loadId);
    expect(await b.loadState(entry.loadId, 'LB')).toBe('ready');
    const held = await a.claim('join', entry.loadId, 'LA', 1, 1000);
    for (let i = 0; i < 4; i++) {
      await sleep(300);
      await a.heartbeat('LA', 1000, { sent: 0, failed: 0, inFlight: 1 });
      await b.heartbeat('LB', 1000, stats);
    }
    // 1.2 s after a 1 s claim: still A's, because A kept beating.
    expect((await b.claim('join', entry.loadId, 'LB', 10, 1000)).map((r) => r.email)).toEqual(['j2@x.org']);
    const status = await b.latestLoad('join');
    expect(status?.workers.map((w) => [w.owner, w.alive, w.inFlight])).toEqual([
      ['LA', true, 1],
      ['LB', true, 0],
    ]);
    a.record(held[0]!, { state: 'sent' });
    await a.flush();

    // A loader that dies while loading: the joiner takes over.
    const c = (await open()).journal;
    const d = (await open()).journal;
    const dead = await c.enterRun('join2', worker('LC'), 400);
    const j2 = await d.enterRun('join2', worker('LD'), 60_000);
    expect(j2).toMatchObject({ role: 'join', loadId: dead.loadId });
    await sleep(500);
    expect(await d.loadState(dead.loadId, 'LD')).toBe('yours');
  });

  it('schedules retries in the store: not claimable before not_before, listed as waiting, then due', async () => {
    const { journal, suppressions } = await open();
    const { loadId } = await journal.enterRun('retry', worker('R'), 60_000);
    await journal.addRecipients('retry', loadId, [row('r1@x.org'), row('r2@x.org'), row('gone@x.org')]);
    await journal.finishLoad(loadId);
    expect(await suppressions.add('Gone@X.org ', 'unsubscribe', 'test')).toBe(true);
    expect(await suppressions.add('gone@x.org', 'manual')).toBe(false);
    const rows = await journal.claim('retry', loadId, 'R', 10, 60_000);
    expect(rows.map((r) => [r.email, r.suppressed])).toEqual([
      ['r1@x.org', false],
      ['r2@x.org', false],
      ['gone@x.org', true],
    ]);
    const due = Date.now() + 150;
    journal.record(rows[0]!, { state: 'failed', permanent: false, smtpCode: 451, notBefore: due });
    journal.record(rows[1]!, { state: 'failed', permanent: false, smtpCode: 452 });
    journal.record(rows[2]!, { state: 'suppressed' });
    await journal.flush();
    expect(await journal.claim('retry', loadId, 'R', 10, 60_000)).toEqual([]);
    const w = await journal.waiting('retry', loadId, 'R', 10);
    expect(w).toEqual({
      heldByOthers: 0,
      retryCount: 1,
      retries: [{ email: 'r1@x.org', notBefore: due, code: '451' }],
    });
    await sleep(200);
    const retried = await journal.claim('retry', loadId, 'R', 10, 60_000);
    expect(retried.map((r) => [r.email, r.runAttempts, r.attempts])).toEqual([['r1@x.org', 1, 1]]);
    expect(await suppressions.has('GONE@x.org')).toBe(true);
    const listed = [];
    for await (const s of suppressions.list()) listed.push(s);
    expect(listed).toMatchObject([{ email: 'gone@x.org', reason: 'unsubscribe', source: 'test' }]);
    expect(await suppressions.add('A@x.org', 'manual')).toBe(true);
    expect(await suppressions.remove('a@x.org')).toBe(true);
  });

  it('gives two workers claiming at once disjoint rows that cover the list', async () => {
    const a = (await open()).journal;
    const b = (await open()).journal;
    const { loadId } = await a.enterRun('race', worker('X'), 60_000);
    const emails = Array.from({ length: 600 }, (_, i) => `race${i}@x.org`);
    await a.addRecipients('race', loadId, emails.map(row));
    await a.finishLoad(loadId);
    const got: string[][] = [[], []];
    await Promise.all(
      [a, b].map(async (j, n) => {
        for (;;) {
          const rows = await j.claim('race', loadId, n ? 'Y' : 'X', 7, 60_000);
          if (rows.length === 0) break;
          got[n]!.push(...rows.map((r) => r.email));
          for (const r of rows) j.record(r, { state: 'sent' });
        }
        await j.flush();
      }),
    );
    expect(got[0]!.length).toBeGreaterThan(0);
    expect(got[1]!.length).toBeGreaterThan(0);
    expect([...got[0]!, ...got[1]!].sort()).toEqual([...emails].sort());
    expect((await a.counts('race', loadId)).sent).toBe(600);
  });
  it('writes outcomes recorded over several event-loop turns together, within FLUSH_DELAY_MS', async () => {
    const { journal } = await open();
    const reader = await open();
    const issue = 'batched';
    const { loadId } = await journal.enterRun(issue, worker('wb'), 60_000);
    await journal.addRecipients(
      issue,
      loadId,
      ['b1', 'b2', 'b3', 'b4'].map((n) => row(`${n}@example.org`)),
    );
    await journal.finishLoad(loadId);
    const rows = await journal.claim(issue, loadId, 'wb', 10, 60_000);
    for (const r of rows) {
      journal.record(r, { state: 'sent', response: '250 ok' });
      // Replies arrive on separate turns of the event loop: each used to be its own transaction.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(journal.unflushed()).toBe(4);
    expect((await reader.journal.counts(issue, loadId)).sent).toBe(0);
    await sleep(FLUSH_DELAY_MS + 150);
    expect(journal.unflushed()).toBe(0);
    expect((await reader.journal.counts(issue, loadId)).sent).toBe(4);
  });

  it('finds the suppressed among many addresses in one query, forgotten (hashed) ones too', async () => {
    const { suppressions } = await open();
    await suppressions.add('among1@example.org', 'manual');
    await suppressions.add(forgottenKey('among3@example.org'), 'manual');
    const found = await suppressions.among!(['among1@example.org', 'among2@example.org', 'among3@example.org']);
    expect([...found].sort()).toEqual(['among1@example.org', 'among3@example.org']);
  });
});
