import { execFileSync } from 'node:child_process';
import { createSign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalString, type SnsMessage } from '../../src/bounces/webhooks/sns.js';
import { webhookRoot, type WebhookRoot } from '../helpers/webhooks.js';

// Amazon SES through SNS, with a real RSA key and a self-signed certificate made by openssl for
// this run, served over https from 127.0.0.1 (the only host the test lets SigningCertURL name, by
// the handler's explicit test option). Messages are signed as SNS signs them (version 1: SHA1,
// version 2: SHA256, over the canonical string).

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:gazette-ses';
let dir: string;
let key: string;
let https: Server;
let base: string;
const hits: string[] = [];
let w: WebhookRoot;

/** A fresh RSA key and self-signed certificate for 127.0.0.1: <dir>/<name>.key and .pem. */
function certificate(name: string): void {
  const out = ['-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.pem`)];
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', ...subject, ...out], {
    stdio: 'ignore',
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gz-sns-'));
  certificate('signing');
  certificate('other');
  key = await readFile(path.join(dir, 'signing.key'), 'utf8');
  const tls = { key, cert: await readFile(path.join(dir, 'signing.pem'), 'utf8') };
  https = createServer(tls, async (req, res) => {
    hits.push(req.url!);
    if (req.url === '/cert.pem' || req.url === '/other.pem') {
      res.writeHead(200, { 'Content-Type': 'application/x-pem-file' });
      res.end(await readFile(path.join(dir, req.url === '/cert.pem' ? 'signing.pem' : 'other.pem')));
    } else if (req.url?.startsWith('/confirm?')) res.end('<ConfirmSubscriptionResponse/>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  w = await webhookRoot(
    ['ses-hard@example.org', 'ses-soft@example.org', 'ses-spam@example.org', 'ses-new@example.org'],
    {
      webhooks: { sesTopicArns: [TOPIC], snsTrust: { certificateHost: /^127\.0\.0\.1$/, ca: tls.cert } },
    },
  );
});
afterAll(async () => {
  await w.close();
  https.closeAllConnections();
  await new Promise((resolve) => https.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

let serial = 0;
function sns(fields: Partial<SnsMessage>, version: '1' | '2' = '2', signWith = key): SnsMessage {
  const m = {
    Type: 'Notification',
    MessageId: `00000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`,
    TopicArn: TOPIC,
    Message: '{}',
    Timestamp: new Date().toISOString(),
    SignatureVersion: version,
    Signature: '',
    SigningCertURL: `${base}/cert.pem`,
    ...fields,
  } as SnsMessage;
  m.Signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(canonicalString(m)!)
    .sign(signWith, 'base64');
  return m;
}
const bounce = (email: string, bounceType: string, feedbackId: string) =>
  JSON.stringify({
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      feedbackId,
      bouncedRecipients: [{ emailAddress: email, status: bounceType === 'Permanent' ? '5.1.1' : '4.4.7' }],
    },
    mail: { messageId: 'ses-1', destination: [email] },
  });
const post = (m: SnsMessage) =>
  w.post('ses', JSON.stringify(m), { 'Content-Type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': m.Type });

describe('Amazon SES webhook (SNS)', () => {
  it('confirms the subscription by visiting SubscribeURL, once the message is verified', async () => {
    const token = 'a'.repeat(64);
    const m = sns({
      Type: 'SubscriptionConfirmation',
      Token: token,
      Message: 'You have chosen to subscribe to the topic.',
      SubscribeURL: `${base}/confirm?Action=ConfirmSubscription&Token=${token}`,
    });
    expect((await post(m)).status).toBe(200);
    expect(hits).toContain(`/confirm?Action=ConfirmSubscription&Token=${token}`);
  });

  it('a Permanent bounce (SignatureVersion 1) and a complaint (2) stop the address; Transient is counted', async () => {
    expect((await post(sns({ Message: bounce('ses-hard@example.org', 'Permanent', 'fb-1') }, '1'))).status).toBe(200);
    const complaint = JSON.stringify({
      notificationType: 'Complaint',
      complaint: {
        feedbackId: 'fb-2',
        complaintFeedbackType: 'abuse',
        complainedRecipients: [{ emailAddress: 'ses-spam@example.org' }],
      },
    });
    expect((await post(sns({ Message: complaint }))).status).toBe(200);
    const soft = await post(sns({ Message: bounce('ses-soft@example.org', 'Transient', 'fb-3') }));
    expect(JSON.parse(soft.body)).toMatchObject({ soft: 1, hard: 0 });
    const after = await w.state();
    expect(after).toMatchObject({
      'ses-hard@example.org': 'bounced bounce:webhook:ses',
      'ses-spam@example.org': 'complained complaint:webhook:ses',
      'ses-soft@example.org': 'confirmed',
    });
    // SNS redelivers the same notification (same feedback id): nothing more happens.
    await post(sns({ Message: bounce('ses-hard@example.org', 'Permanent', 'fb-1') }));
    await post(sns({ Message: bounce('ses-soft@example.org', 'Transient', 'fb-3') }));
    await post(sns({ Message: bounce('ses-soft@example.org', 'Transient', 'fb-3') }));
    expect(await w.state()).toEqual(after);
  });

  it('refuses a tampered message, a foreign key, a certificate URL elsewhere and another topic (403)', async () => {
    const before = await w.state();
    const good = sns({ Message: bounce('ses-new@example.org', 'Permanent', 'fb-9') });
    const tampered = {
      ...sns({ Message: bounce('ses-soft@example.org', 'Transient', 'fb-8') }),
      Message: good.Message,
    };
    const otherKey = await readFile(path.join(dir, 'other.key'), 'utf8');
    const foreign = sns({ Message: good.Message }, '2', otherKey);
    // Signed by the key of a certificate that is served, but from a URL SNS would never use.
    const fetched = hits.length;
    const plainHttp = sns(
      { Message: good.Message, SigningCertURL: `${base.replace('https', 'http')}/other.pem` },
      '2',
      otherKey,
    );
    const elsewhere = sns(
      { Message: good.Message, SigningCertURL: `https://localhost:${new URL(base).port}/other.pem` },
      '2',
      otherKey,
    );
    const topic = sns({ Message: good.Message, TopicArn: 'arn:aws:sns:eu-west-1:999999999999:someone-else' });
    const unknownVersion = { ...good, SignatureVersion: '3' };
    for (const m of [tampered, foreign, plainHttp, elsewhere, topic, unknownVersion])
      expect((await post(m)).status).toBe(403);
    expect(hits.slice(fetched)).not.toContain('/other.pem');
    expect(await w.state()).toEqual(before);
    // The certificate was fetched once for all of these and the earlier tests (it is cached).
    expect(hits.filter((h) => h === '/cert.pem')).toHaveLength(1);
  });
});
