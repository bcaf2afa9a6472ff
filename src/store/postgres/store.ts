import type { Store } from '../open.js';
import { connectPostgres } from './connect.js';
import { PostgresJournal } from './journal.js';
import { PostgresSuppressionStore } from './subscriber-suppressions.js';

export async function openPostgresStore(url: string, dryRun: boolean): Promise<Store> {
  const pool = await connectPostgres(url);
  const journal = new PostgresJournal(pool);
  // A dry run must never mark anyone sent in the shared journal: it journals in memory.
  let memory: { journal: Store['journal']; close(): void } | undefined;
  if (dryRun) {
    const Database = (await import('better-sqlite3')).default;
    const { SqliteJournal } = await import('../sqlite/journal.js');
    const db = new Database(':memory:');
    memory = { journal: new SqliteJournal(db), close: () => db.close() };
  }
  const u = new URL(url);
  u.password = '';
  return {
    kind: 'postgres',
    description: u.toString(),
    journal: memory?.journal ?? journal,
    suppressions: new PostgresSuppressionStore(pool),
    async close() {
      await journal.close();
      memory?.close();
      await pool.end();
    },
  };
}
