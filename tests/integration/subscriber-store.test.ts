import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { openSubscriberStores, type SubscriberStores } from '../../src/store/subscriber-store.js';
import { forgottenKey } from '../../src/store/subscribers.js';
import { createTestDatabase, postgresAnswers, type TestDatabase } from '../helpers/postgres.js';

// One contract, two stores: every behaviour below holds for SQLite and for PostgreSQL.

const pgUp = await postgresAnswers();
if (!pgUp)
  console.log('subscriber-store: PostgreSQL does not answer on 127.0.0.1:5432; its half of the contract is not run');

const kinds = pgUp ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

describe.each(kinds)('subscriber store contract (%s)', (kind) => {
  let stores: SubscriberStores;
  let root: string;
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'gz-subs-'));
    if (kind === 'postgres') db = await createTestDatabase('gz_subs');
    stores = await openSubscriberStores({ root, url: db?.url });
  });
  afterAll(async () => {
    await stores.close();
    await db?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('adds, merges fields, keeps consent given earlier, normalizes addresses', async () => {
    const s = stores.subscribers;
    expect(await s.put({ email: ' Ada@Example.org ', fields: { name: 'Ada' }, consent: { source: 'cli' } })).toBe(
      'added',
    );
    expect(await s.put({ email: 'ada@example.org', fields: { city: 'Paris' } })).toBe('updated');
    const ada = await s.get('ADA@example.org');
    expect(ada).toMatchObject({
      email: 'ada@example.org',
      status: 'confirmed',
      fields: { name: 'Ada', city: 'Paris' },
    });
    expect(ada!.consent.source).toBe('cli');
    expect(ada!.consent.at).toMatch(/^\d{4}-/);
    expect(await s.get('nobody@example.org')).toBeUndefined();
  });

  it('imports keep the state of existing subscribers (keepStatus) and set it for new ones', async () => {
    const s = stores.subscribers;
    await s.put({ email: 'gone@example.org', status: 'unsubscribed' });
    const r = await s.putMany([
      { email: 'gone@example.org', status: 'confirmed', keepStatus: true, fields: { name: 'G' } },
      { email: 'new@example.org', status: 'confirmed', keepStatus: true },
    ]);
    expect(r).toEqual({ added: 1, updated: 1 });
    expect((await s.get('gone@example.org'))!.status).toBe('unsubscribed');
    expect((await s.get('gone@example.org'))!.fields.name).toBe('G');
    expect((await s.get('new@example.org'))!.status).toBe('confirmed');
  });

  it('sign-up: new -> pending; confirmed stays confirmed; stopped states are kept until confirmed', async () => {
    const s = stores.subscribers;
    expect(await s.signUp({ email: 'p@example.org', consent: { source: 'form', ipHash: 'h1' } })).toBe('pending');
    expect(await s.signUp({ email: 'p@example.org', consent: { source: 'form' } })).toBe('pending');
    expect((await s.get('p@example.org'))!.consent.ipHash).toBe('h1');
    expect(await s.signUp({ email: 'ada@example.org' })).toBe('confirmed');
    await s.put({ email: 'b@example.org', status: 'bounced' });
    expect(await s.signUp({ email: 'b@example.org' })).toBe('needs-confirmation');
    expect((await s.get('b@example.org'))!.status).toBe('bounced');
    expect(await s.confirm('b@example.org', '2026-01-01T00:00:00.000Z')).toBe(true);
    const b = await s.get('b@example.org');
    expect(b!.status).toBe('confirmed');
    expect(b!.consent.confirmedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('lists by status in address order, across pages', async () => {
    const s = stores.subscribers;
    const many = Array.from({ length: 1203 }, (_, i) => ({ email: `m${String(i).padStart(4, '0')}@list.example.org` }));
    await s.putMany(many);
    const confirmed: string[] = [];
    for await (const x of s.list({ status: 'confirmed' })) confirmed.push(x.email);
    expect(confirmed.filter((e) => e.endsWith('@list.example.org'))).toHaveLength(1203);
    expect(confirmed).toEqual([...confirmed].sort());
    expect(confirmed).not.toContain('p@example.org');
    const pending: string[] = [];
    for await (const x of s.list({ status: 'pending' })) pending.push(x.email);
    expect(pending).toEqual(['p@example.org']);
  });

  it('setStatus says whether anything changed; remove deletes', async () => {
    const s = stores.subscribers;
    expect(await s.setStatus('new@example.org', 'complained')).toBe(true);
    expect(await s.setStatus('new@example.org', 'complained')).toBe(false);
    expect(await s.remove('new@example.org')).toBe(true);
    expect(await s.remove('new@example.org')).toBe(false);
  });

  it('counts a soft bounce once per report, inside the window only', async () => {
    const s = stores.subscribers;
    const t = 1_000_000_000_000;
    expect(await s.softBounce('soft@example.org', t, 1000, 'r1')).toBe(1);
    expect(await s.softBounce('soft@example.org', t + 10, 1000, 'r1')).toBe(1);
    expect(await s.softBounce('soft@example.org', t + 20, 1000, 'r2')).toBe(2);
    expect(await s.softBounce('soft@example.org', t + 5000, 1000, 'r3')).toBe(1);
  });

  it('suppressions: add once, replace the reason, has/get, list', async () => {
    const q = stores.suppressions;
    expect(await q.add('U@example.org', 'unsubscribe', 'issue-1')).toBe(true);
    expect(await q.add('u@example.org', 'manual')).toBe(false);
    await q.replace('u@example.org', 'complaint', 'arf');
    expect(await q.get('u@example.org')).toMatchObject({ email: 'u@example.org', reason: 'complaint', source: 'arf' });
    expect(await q.has('u@example.org')).toBe(true);
    const all = [];
    for await (const x of q.list()) all.push(x.email);
    expect(all).toContain('u@example.org');
  });

  it('forget erases the address and its fields, keeps only a hash that still suppresses', async () => {
    const s = stores.subscribers;
    await s.put({ email: 'f@example.org', fields: { name: 'Secret Name' } });
    await stores.suppressions.add('f@example.org', 'bounce', 'dsn');
    expect(await s.forget('F@example.org')).toEqual({ found: true });
    expect(await s.get('f@example.org')).toBeUndefined();
    const entries = [];
    for await (const x of stores.suppressions.list()) entries.push(x);
    expect(entries.some((x) => x.email.includes('f@example.org'))).toBe(false);
    expect(entries.find((x) => x.email === forgottenKey('f@example.org'))).toMatchObject({
      reason: 'bounce',
      source: 'forget',
    });
    expect(await stores.suppressions.has('f@example.org')).toBe(true);
    expect(await s.forget('never@example.org')).toEqual({ found: false });
  });
});

describe('forget on SQLite reaches the send journal', () => {
  it('anonymizes the journal rows: address, fields and reply gone, counts kept', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'gz-forget-'));
    try {
      // The journal's columns that hold personal data (the journal itself is another module's).
      const db = openDatabase(root);
      db.exec(`CREATE TABLE send_journal (id INTEGER PRIMARY KEY, issue TEXT, email TEXT, ascii TEXT, fields TEXT,
        response TEXT, UNIQUE (issue, email))`);
      const row = db.prepare('INSERT INTO send_journal (issue, email, ascii, fields, response) VALUES (?, ?, ?, ?, ?)');
      row.run('issue-1', 'j@example.org', 'j@example.org', '{"name":"Jay Secret"}', '250 ok <j@example.org>');
      row.run('issue-2', 'j@example.org', 'j@example.org', '{"name":"Jay Secret"}', null);
      row.run('issue-1', 'k@example.org', 'k@example.org', '{"name":"Kay"}', null);
      db.close();
      const stores = await openSubscriberStores({ root });
      await stores.subscribers.forget('j@example.org');
      await stores.close();
      const db2 = openDatabase(root);
      const dump = JSON.stringify(db2.prepare('SELECT * FROM send_journal').all());
      db2.close();
      expect(dump).not.toContain('j@example.org');
      expect(dump).not.toContain('Jay Secret');
      expect(dump).toContain('k@example.org');
      expect(dump).toContain(forgottenKey('j@example.org'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
