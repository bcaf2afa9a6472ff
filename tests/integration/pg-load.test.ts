import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { createTestDatabase, pgAvailable } from '../helpers/pg.js';

// Loading a big list into the PostgreSQL journal: the table grows by the whole list in one
// go, before autovacuum notices; with stale statistics each batch's lookup of the rows already
// there became a scan of everything loaded so far (1M rows took minutes, each batch slower).

const hasPg = await pgAvailable();

describe.skipIf(!hasPg)('PostgreSQL list load', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('load');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps the statistics fresh while loading (the planner knows how big the table is)', async () => {
    const store = await openStore({ root: '.', url: db.url });
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { journal } = store;
      const { loadId } = await journal.enterRun('big', { owner: 'w', host: 't', pid: 1, source: 'list' }, 60_000);
      const N = 60_000;
      for (let i = 0; i < N; i += 1000) {
        const batch = Array.from({ length: Math.min(1000, N - i) }, (_, k) => {
          const email = `reader${i + k}@example.org`;
          return { email, ascii: email, fields: {}, line: i + k + 2, messageId: `<${i + k}@t>` };
        });
        await journal.addRecipients('big', loadId, batch);
      }
      const stats = await c.query(
        "SELECT analyze_count + autoanalyze_count AS analyzed, n_live_tup FROM pg_stat_user_tables WHERE relname = 'send_journal'",
      );
      expect(Number(stats.rows[0].analyzed)).toBeGreaterThanOrEqual(1);
      // What the planner believes the table holds: -1 (never analyzed) without the refresh.
      const size = await c.query("SELECT reltuples FROM pg_class WHERE relname = 'send_journal'");
      expect(Number(size.rows[0].reltuples)).toBeGreaterThan(N * 0.8);
    } finally {
      await c.end();
      await store.close();
    }
  });
});
