import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAddress } from '../../../src/send/address.js';
import { openSubscriberStores, type SubscriberStores } from '../../../src/store/subscriber-store.js';
import { normalizeEmail } from '../../../src/util/email.js';
import { signToken, verifyToken } from '../../../src/util/token.js';
import { verpAddress, verpToken } from '../../../src/util/verp.js';

// Eight copies of `trim().toLowerCase()` (two exported under different names) became one. What
// must hold: every part of Gazette knows a hand-typed "  Ann@Example.ORG " as ann@example.org.
const SECRET = 'test-secret-0123456789abcdef';
const TYPED = '  Ann.Lee@Example.ORG ';
const KEY = 'ann.lee@example.org';

let dir: string;
let stores: SubscriberStores;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gazette-email-key-'));
  stores = await openSubscriberStores({ root: dir });
});
afterAll(async () => {
  await stores.close();
  await rm(dir, { recursive: true, force: true });
});

describe('normalizeEmail', () => {
  it('trims and lowercases, and nothing else', () => {
    expect(normalizeEmail(TYPED)).toBe(KEY);
    expect(normalizeEmail('a+tag@x.org')).toBe('a+tag@x.org');
  });

  it('is the key of send, the stores, unsubscribe tokens and VERP alike', async () => {
    const check = checkAddress(TYPED);
    expect(check.ok && check.email).toBe(KEY);
    await stores.subscribers.put({ email: TYPED, fields: {} });
    expect((await stores.subscribers.get('ANN.LEE@example.org'))?.email).toBe(KEY);
    await stores.suppressions.add(TYPED, 'manual');
    expect(await stores.suppressions.has(KEY)).toBe(true);
    await stores.suppressions.replace('ANN.LEE@EXAMPLE.ORG', 'bounce');
    expect((await stores.suppressions.get(KEY))?.reason).toBe('bounce');
    expect(verifyToken(signToken({ email: TYPED, issue: 'i' }, SECRET), SECRET)?.email).toBe(KEY);
    expect(verpAddress(`bounces+${verpToken(TYPED, SECRET)}@example.org`, SECRET)).toBe(KEY);
  });
});
