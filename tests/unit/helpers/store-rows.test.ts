import { describe, expect, it } from 'vitest';
import { claimedRows, countsFrom } from '../../../src/store/journal.js';
import { subscriberFromRow } from '../../../src/store/subscribers.js';

// SQLite and PostgreSQL each mapped their rows: the same logic over different driver types
// (JSON as text or parsed, flags as 0/1 or booleans, PostgreSQL's bigint tokens as text, which
// the PostgreSQL journal handed on as strings). One mapping each now, pinned for both shapes.
const row = { id: 2, email: 'b@x.org', ascii: 'b@x.org', messageId: '<b>', attempts: 1, runAttempts: 0 };

describe('claimedRows', () => {
  it('gives SQLite and PostgreSQL claims the same shape, in list order', () => {
    const sqlite = claimedRows([
      { ...row, fields: '{"name":"B"}', suppressed: 1, token: 7 },
      { ...row, id: 1, email: 'a@x.org', fields: '{}', suppressed: 0, token: 7 },
    ]);
    const postgres = claimedRows([
      { ...row, fields: '{"name":"B"}', suppressed: true, token: '7' },
      { ...row, id: 1, email: 'a@x.org', fields: '{}', suppressed: false, token: '7' },
    ]);
    expect(postgres).toEqual(sqlite);
    expect(sqlite.map((r) => r.id)).toEqual([1, 2]);
    expect(sqlite[1]).toMatchObject({ fields: { name: 'B' }, suppressed: true, token: 7 });
    expect(typeof postgres[0]!.token).toBe('number');
  });
});

describe('countsFrom', () => {
  it('counts failed rows by permanence, whichever way the driver says it', () => {
    const sqlite = countsFrom([
      { state: 'sent', permanent: null, n: 3 },
      { state: 'failed', permanent: 1, n: 2 },
      { state: 'failed', permanent: 0, n: 1 },
      { state: 'failed', permanent: null, n: 1 },
      { state: 'suppressed', permanent: null, n: 4 },
    ]);
    const postgres = countsFrom([
      { state: 'sent', permanent: null, n: '3' },
      { state: 'failed', permanent: true, n: 2 },
      { state: 'failed', permanent: false, n: 1 },
      { state: 'failed', permanent: null, n: 1 },
      { state: 'suppressed', permanent: null, n: 4 },
    ]);
    expect(postgres).toEqual(sqlite);
    expect(sqlite).toEqual({
      pending: 0,
      sending: 0,
      sent: 3,
      failedPermanent: 2,
      failedTemporary: 2,
      invalid: 0,
      suppressed: 4,
    });
  });
});

describe('subscriberFromRow', () => {
  it('maps a SQLite row (JSON text) and a PostgreSQL row (JSONB) to the same subscriber', () => {
    const base = {
      email: 'a@x.org',
      status: 'confirmed' as const,
      consent_source: 'form',
      consent_at: '2025-01-01T00:00:00.000Z',
      confirmed_at: null,
      ip_hash: null,
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-02T00:00:00.000Z',
    };
    const fromSqlite = subscriberFromRow({ ...base, fields: '{"name":"Ann"}' });
    const fromPostgres = subscriberFromRow({ ...base, fields: { name: 'Ann' } });
    expect(fromPostgres).toEqual(fromSqlite);
    expect(fromSqlite).toEqual({
      email: 'a@x.org',
      fields: { name: 'Ann' },
      status: 'confirmed',
      consent: { source: 'form', at: '2025-01-01T00:00:00.000Z', confirmedAt: null, ipHash: null },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
    });
  });
});
