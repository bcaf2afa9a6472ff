import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGazetteHandler } from '../../../src/server/handler.js';
import { openDatabase } from '../../../src/store/db.js';
import { SuppressionList } from '../../../src/store/suppression.js';
import { GazetteError } from '../../../src/util/errors.js';
import { checkSecret } from '../../../src/util/secret.js';
import {
  RESUBSCRIBE_TTL_MS,
  signResubscribe,
  signToken,
  verifyResubscribe,
  verifyToken,
} from '../../../src/util/token.js';
import { rawRequest, serveRoot, type Served } from '../../helpers/http.js';
import { buildSite, sampleRoot, SECRET } from '../../helpers/site.js';
import { legacyV1Token, resubscribeTokenIn } from '../../helpers/tokens.js';

const ISSUE = 'weekly-digest-2025-11-21';
const DANA = 'dana@thegazelle.org';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
// Made by Gazette 0.1.0's signToken (v1) for DANA, ISSUE and SECRET: already in people's inboxes.
const TODAYS_TOKEN = 'v1.ZGFuYUB0aGVnYXplbGxlLm9yZw.d2Vla2x5LWRpZ2VzdC0yMDI1LTExLTIx.PcvwGzPA8_HM9yWKqsVUag';

let root: string;
let cleanup: () => Promise<void>;
let s: Served;
beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  await buildSite(root);
  s = await serveRoot({ root, secret: SECRET });
});
afterAll(async () => {
  await s.close();
  await cleanup();
});
afterEach(() => {
  const db = openDatabase(root);
  db.exec('DELETE FROM suppressions');
  db.close();
});
const isSuppressed = (email: string) => {
  const db = openDatabase(root);
  try {
    return new SuppressionList(db).has(email);
  } finally {
    db.close();
  }
};
const unsub = (token: string) => `/newsletter/unsubscribe?token=${encodeURIComponent(token)}`;
const post = (token: string, fields: Record<string, string>) =>
  rawRequest(s.url, 'POST', unsub(token), new URLSearchParams(fields).toString(), FORM);

describe('attack: forge tokens with a weak secret (issue 12)', () => {
  it.each([
    ['empty', ''],
    ['one character', 'x'],
    ['long but repeated', 'a'.repeat(40)],
    ['a word repeated', 'secretsecretsecret'],
  ])('createGazetteHandler refuses a %s secret', async (_name, secret) => {
    await expect(createGazetteHandler({ root, secret })).rejects.toThrow(GazetteError);
    expect(() => signToken({ email: DANA, issue: ISSUE }, secret)).toThrow(/secret/);
  });

  it('the CLI and the library share the policy', () => {
    expect(() => checkSecret('aaaaaaaaaaaaaaaaaaaa')).toThrow(/GAZETTE_SECRET is too predictable/);
    expect(checkSecret(SECRET)).toBe(SECRET);
  });
});

describe('attack: read the address out of an unsubscribe link (issue 12, 17)', () => {
  it('new tokens do not carry the address in any readable form', () => {
    const token = signToken({ email: DANA, issue: ISSUE }, SECRET);
    for (const part of token.split('.')) {
      expect(Buffer.from(part, 'base64url').toString('latin1')).not.toContain('dana');
    }
    expect(token).not.toContain(Buffer.from('dana@').toString('base64url').slice(0, 6));
    expect(verifyToken(token, SECRET)).toEqual({ email: DANA, issue: ISSUE });
    expect(signToken({ email: DANA, issue: ISSUE }, SECRET)).toBe(token); // stateless and stable for resends
    expect(verifyToken(token, 'another-secret-0123456789abcdef')).toBeUndefined();
  });

  it('a token made by the previous version still unsubscribes with one click', async () => {
    expect(legacyV1Token(DANA, ISSUE, SECRET)).toBe(TODAYS_TOKEN);
    const r = await rawRequest(s.url, 'POST', unsub(TODAYS_TOKEN), 'List-Unsubscribe=One-Click', FORM);
    expect(r.status).toBe(200);
    expect(isSuppressed(DANA)).toBe(true);
  });
});

describe('attack: resubscribe someone who left, with the link in a forwarded email (issue 12)', () => {
  it('the unsubscribe token alone never resubscribes, and the page shown to the link holder offers no button', async () => {
    const token = signToken({ email: DANA, issue: ISSUE }, SECRET);
    expect((await post(token, { action: 'unsubscribe' })).status).toBe(200); // Dana leaves
    // Later, whoever holds the forwarded email:
    const page = await rawRequest(s.url, 'GET', unsub(token));
    expect(resubscribeTokenIn(page.body)).toBeUndefined();
    const again = await post(token, { action: 'unsubscribe' });
    expect(resubscribeTokenIn(again.body)).toBeUndefined();
    expect((await post(token, { action: 'resubscribe' })).status).toBe(400);
    expect((await post(token, { action: 'resubscribe', resubscribe: token })).status).toBe(400);
    expect((await post(TODAYS_TOKEN, { action: 'resubscribe' })).status).toBe(400);
    expect(isSuppressed(DANA)).toBe(true);
  });

  it('the undo button works only with its fresh token, which expires', async () => {
    const now = Date.now();
    const fresh = signResubscribe({ email: DANA, issue: ISSUE }, SECRET, now);
    expect(verifyResubscribe(fresh, SECRET, now + RESUBSCRIBE_TTL_MS - 1)).toMatchObject({ email: DANA });
    expect(verifyResubscribe(fresh, SECRET, now + RESUBSCRIBE_TTL_MS)).toBeUndefined();
    // An unsubscribe token is not a resubscribe token, nor the reverse.
    expect(verifyResubscribe(signToken({ email: DANA, issue: ISSUE }, SECRET), SECRET)).toBeUndefined();
    expect(verifyToken(fresh, SECRET)).toBeUndefined();

    const stale = signResubscribe({ email: DANA, issue: ISSUE }, SECRET, now - RESUBSCRIBE_TTL_MS - 1000);
    const token = signToken({ email: DANA, issue: ISSUE }, SECRET);
    const left = await post(token, { action: 'unsubscribe' });
    expect((await post(token, { action: 'resubscribe', resubscribe: stale })).status).toBe(400);
    expect(isSuppressed(DANA)).toBe(true);
    const undo = resubscribeTokenIn(left.body)!;
    expect((await post(token, { action: 'resubscribe', resubscribe: undo })).status).toBe(200);
    expect(isSuppressed(DANA)).toBe(false);
  });
});
