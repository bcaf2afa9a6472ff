import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { startPreview } from '../../src/preview/server.js';
import { DIGEST, tempRoot } from '../helpers/preview.js';
import { gz, gzLive } from '../helpers/run.js';

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ root, cleanup } = await tempRoot('gazette-preview-cli-'));
});
afterAll(async () => cleanup?.());

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('gazette preview (CLI)', () => {
  it('takes the next port when the asked one is busy, serves, and stops cleanly when stopped', async () => {
    const blocker = await listenOn(0);
    const busy = (blocker.address() as net.AddressInfo).port;
    const live = gzLive(['preview', '--root', root, '--port', String(busy)]);
    try {
      await live.waitFor(/Gazette preview: http:\/\/127\.0\.0\.1:\d+\//, 30_000);
      const url = /Gazette preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(live.output())![1]!;
      expect(new URL(url).port).not.toBe(String(busy));
      expect(Number(new URL(url).port)).toBeGreaterThan(busy);
      expect(Number(new URL(url).port)).toBeLessThanOrEqual(busy + 20);
      expect(live.output()).toContain(`port ${busy} was busy`);
      expect((await fetch(url)).status).toBe(200);
    } finally {
      // What SIGINT/SIGTERM do in main(): the stop signal (the real binary's is in serve-cli.test.ts).
      expect((await live.stop()).code).toBe(0);
      blocker.close();
    }
  });

  it('reports a missing subscriber list and a bad port before starting', async () => {
    const missing = await gz(['preview', '--root', root, '--subscribers', path.join(root, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the subscriber list');
    expect(missing.stderr).toContain('hint: Give --subscribers the path of an existing CSV file');
    await writeFile(path.join(root, 'no-email.csv'), 'name,city\nAda,Paris\n');
    const noEmail = await gz(['preview', '--root', root, '--subscribers', path.join(root, 'no-email.csv')]);
    expect(noEmail.code).toBe(1);
    expect(noEmail.stderr).toContain('has no `email` column');
    const port = await gz(['preview', '--root', root, '--port', 'eighty']);
    expect(port.code).toBe(1);
    expect(port.stderr).toContain('is not a port number');
  });
});

describe('send test from the preview', () => {
  it('runs `gazette send --test` against the configured SMTP server and reports the outcome', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        stream.resume();
        stream.on('end', () => {
          received.push(...session.envelope.rcptTo.map((r) => r.address));
          cb();
        });
      },
    });
    smtp.on('error', () => {});
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as net.AddressInfo).port;
    await writeFile(
      path.join(root, '.env'),
      `SMTP_URL=smtp://127.0.0.1:${smtpPort}\nGAZETTE_SECRET=preview-test-secret-0123456789\n`,
    );
    const server = await startPreview({ root, port: 0, watch: false });
    try {
      const page = await (await fetch(new URL(`/issues/${DIGEST}/`, server.url))).text();
      expect(page).toContain('id="gz-send"');
      const res = await fetch(new URL(`/issues/${DIGEST}/send-test`, server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: 'editor@example.org' }),
      });
      const body = (await res.json()) as { ok: boolean; message: string; output: string };
      if (body.ok) {
        // The send command is in place: the message reached the SMTP server.
        expect(res.status).toBe(200);
        expect(received).toContain('editor@example.org');
      } else {
        // Until then the child fails; its error is shown, not swallowed.
        expect(res.status).toBe(502);
        expect(body.message).toMatch(/not available in this version|failed \(exit code/);
        expect(body.output).toMatch(/\S/);
      }
    } finally {
      await server.close();
      await rm(path.join(root, '.env'), { force: true });
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
