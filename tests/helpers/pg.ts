import pg from 'pg';

// PostgreSQL for tests: the server on 127.0.0.1:5432 (trust auth, user postgres, database
// `test`). Each test file creates its own database and drops it; when no server answers, the
// PostgreSQL tests are left out with one line saying so.

export const PG_ADMIN_URL = process.env.GAZETTE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let available: Promise<boolean> | undefined;
export function pgAvailable(): Promise<boolean> {
  available ??= (async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      console.warn(`PostgreSQL tests skipped: no server answers at ${PG_ADMIN_URL}`);
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return available;
}

/** A fresh database; `drop()` removes it (terminating whatever is still connected). */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gz_${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Ends every connection to `url`'s database (what a PostgreSQL restart does to the workers). */
export async function terminateConnections(url: string): Promise<number> {
  const name = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    const r = await c.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return r.rowCount ?? 0;
  } finally {
    await c.end();
  }
}
