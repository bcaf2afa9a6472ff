import type { Pool, PoolClient } from 'pg';
import { GazetteError } from '../../util/errors.js';
import { SCHEMA } from './schema.js';

// The `pg` driver is imported here only, and this module only when a postgres:// URL is given.

/** Key of the advisory lock that serializes migrations across every worker. */
const MIGRATION_LOCK = 0x67617a65; // "gaze"

export async function connectPostgres(url: string): Promise<Pool> {
  const pg = (await import('pg')).default;
  // BIGINT columns hold epoch milliseconds and counts: well inside a double.
  pg.types.setTypeParser(20, (v) => Number(v));
  // query_timeout: a query on a connection the server dropped must fail (and be retried), never
  // hang the heartbeat or a claim forever.
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    query_timeout: 20_000,
    keepAlive: true,
  });
  // A backend killed under an idle client (a restart, pg_terminate_backend) is reported here;
  // the pool drops that client and the next query connects again.
  pool.on('error', () => {});
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new GazetteError(`cannot connect to the database: ${(cause as Error).message}`, {
      code: 'store/unavailable',
      field: 'GAZETTE_DATABASE_URL',
      cause,
      hint: 'Check that PostgreSQL answers at that address (pg_isready -h HOST) and the user may log in; or unset GAZETTE_DATABASE_URL to use the SQLite journal in <root>/.gazette/.',
    });
  }
  client.on('error', () => {});
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(SCHEMA);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return pool;
}

/** Runs `fn` in one transaction on one client. */
export async function transaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  // A checked-out client is not covered by the pool's error listener: a server dropping the
  // connection would otherwise crash the process; the failing query rejects and we retry.
  const ignore = () => {};
  c.on('error', ignore);
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    c.off('error', ignore);
    c.release();
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    // Destroyed, not returned to the pool: after a dropped connection it is unusable.
    c.off('error', ignore);
    c.release(err as Error);
    throw err;
  }
}
