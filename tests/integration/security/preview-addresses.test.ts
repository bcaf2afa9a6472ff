import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { startPreview } from '../../../src/preview/server.js';
import { readSubscriberSample } from '../../../src/preview/subscribers.js';
import { DIGEST, tempRoot } from '../../helpers/preview.js';

describe('attack: a subscriber row with two addresses in the preview (issue 12)', () => {
  it('"View as" and the .eml download never put two recipients into To', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gazette-rows-'));
    const { root, cleanup } = await tempRoot();
    try {
      const csv = path.join(dir, 'list.csv');
      await writeFile(csv, 'email,name\n"a@b.com, c@d.com",Mallory\nok@example.org,Ok\n');
      const rows = await readSubscriberSample(csv);
      expect(rows[0]).toMatchObject({ email: '' });
      expect(rows[0]!.label).toMatch(/not an address/);
      expect(rows[1]).toMatchObject({ email: 'ok@example.org' });
      const p = await startPreview({ root, port: 0, watch: false, subscribers: rows });
      try {
        const res = await fetch(new URL(`/issues/${DIGEST}/test.eml?sub=0`, p.url));
        expect(res.status).toBe(200);
        const mail = await simpleParser(Buffer.from(await res.arrayBuffer()));
        const to = mail.to && 'value' in mail.to ? mail.to.value.map((v) => v.address) : [];
        expect(to).toHaveLength(1);
        expect(to).not.toContain('c@d.com');
      } finally {
        await p.close();
      }
    } finally {
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
