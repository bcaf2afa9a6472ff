import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open.js';
import { createTestDatabase, pgAvailable } from '../helpers/pg.js';
import { recipientRow as row } from '../helpers/journal.js';

// The PostgreSQL journal writes a batch of 250s as one statement on the pool (one round trip),
// not BEGIN, UPDATE and COMMIT on a checked-out client; a mixed batch stays one transaction.

const hasPg = await pgAvailable();

describe.runIf(hasPg)('PostgreSQL journal outcomes', () => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await createTestDatabase('outcomes');
    drop = db.drop;
    store = await openStore({ root: '.', url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  it('writes a batch of one kind in one statement, a mixed batch in one transaction', async () => {
    const { journal } = store;
    const pool = (journal as unknown as { pool: Pool }).pool;
    const { loadId } = await journal.enterRun('o', { owner: 'w', host: 'h', pid: 1, source: 's' }, 60_000);
    await journal.addRecipients(
      'o',
      loadId,
      ['a', 'b', 'c', 'd', 'e'].map((n) => row(`${n}@example.org`)),
    );
    await journal.finishLoad(loadId);
    const rows = await journal.claim('o', loadId, 'w', 10, 60_000);
    const connect = pool.connect.bind(pool);
    let checkouts = 0;
    // transaction() checks a client out with connect(); pool.query() calls connect(callback) itself.
    pool.connect = ((...args: unknown[]) => {
      if (args.length === 0) checkouts++;
      return (connect as (...a: unknown[]) => unknown)(...args);
    }) as typeof pool.connect;
    try {
      for (const r of rows.slice(0, 3)) journal.record(r, { state: 'sent', response: '250 ok' });
      await journal.flush();
      expect(checkouts).toBe(0);
      journal.record(rows[3]!, { state: 'sent', response: '250 ok' });
      journal.record(rows[4]!, { state: 'failed', permanent: true, smtpCode: 550, response: '550 no' });
      await journal.flush();
      expect(checkouts).toBe(1);
    } finally {
      pool.connect = connect;
    }
    expect(await journal.counts('o', loadId)).toMatchObject({ sent: 4, failedPermanent: 1, sending: 0 });
  });
});
