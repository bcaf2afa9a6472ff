import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, pgAvailable } from '../helpers/pg.js';
import { webhookRoot, type WebhookRoot } from '../helpers/webhooks.js';

// The webhooks write the shared store when serve runs on PostgreSQL (GAZETTE_DATABASE_URL): a
// signed Resend bounce and complaint stop the addresses there, a redelivery changes nothing.

const KEY = randomBytes(24);
const hasPg = await pgAvailable();
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let w: WebhookRoot;

beforeAll(async () => {
  if (!hasPg) return;
  db = await createTestDatabase('webhooks');
  w = await webhookRoot(['pg-hard@example.org', 'pg-spam@example.org', 'pg-fine@example.org'], {
    database: db.url,
    webhooks: { resendSecret: `whsec_${KEY.toString('base64')}` },
  });
});
afterAll(async () => {
  await w?.close();
  await db?.drop();
});

const signed = (body: string, id: string) => {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', KEY).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'svix-id': id, 'svix-timestamp': ts, 'svix-signature': `v1,${sig}` };
};

describe.skipIf(!hasPg)('webhooks on the PostgreSQL store', () => {
  it('a signed bounce and complaint stop the addresses in PostgreSQL; a redelivery changes nothing', async () => {
    const hard = JSON.stringify({
      type: 'email.bounced',
      data: { email_id: 'e1', to: ['pg-hard@example.org'], bounce: { type: 'Permanent' } },
    });
    const spam = JSON.stringify({ type: 'email.complained', data: { email_id: 'e2', to: ['pg-spam@example.org'] } });
    for (const [body, id] of [
      [hard, 'msg_1'],
      [spam, 'msg_2'],
      [hard, 'msg_1'],
    ] as const)
      expect((await w.post('resend', body, signed(body, id))).status).toBe(200);
    expect(await w.state()).toEqual({
      'pg-fine@example.org': 'confirmed',
      'pg-hard@example.org': 'bounced bounce:webhook:resend',
      'pg-spam@example.org': 'complained complaint:webhook:resend',
    });
    const forged = JSON.stringify({ type: 'email.bounced', data: { email_id: 'e3', to: ['pg-fine@example.org'] } });
    expect((await w.post('resend', forged, { ...signed(forged, 'msg_3'), 'svix-id': 'msg_4' })).status).toBe(403);
    expect((await w.state())['pg-fine@example.org']).toBe('confirmed');
  });
});
