import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type PreviewServer } from '../../src/preview/server.js';
import { DIGEST, FEATURE, tempRoot } from '../helpers/preview.js';

// "No problems found" while the sample subscriber reads "you live in .": the page warns about a
// merge tag without fallback that renders empty for the subscriber it is viewed as.

const ISSUE = `content/issues/${DIGEST}.md`;
let root: string;
let cleanup: () => Promise<void>;
let server: PreviewServer;
let line: number;

beforeAll(async () => {
  ({ root, cleanup } = await tempRoot('gazette-preview-empty-'));
  const file = path.join(root, ISSUE);
  const text = await readFile(file, 'utf8');
  const edited = text.replace(
    'Hi {{subscriber.name | default: "reader"}},',
    'Hi {{subscriber.name | default: "reader"}}, you live in {{subscriber.city}}.',
  );
  expect(edited).not.toBe(text);
  await writeFile(file, edited);
  line = edited.slice(0, edited.indexOf('{{subscriber.city}}')).split('\n').length;
  server = await startPreview({
    root,
    port: 0,
    watch: false,
    subscribers: [
      {
        label: 'Hiro <hiro@example.org>',
        email: 'hiro@example.org',
        fields: { email: 'hiro@example.org', name: 'Hiro', city: 'Abu Dhabi' },
      },
      {
        label: 'Kim <kim@example.org>',
        email: 'kim@example.org',
        fields: { email: 'kim@example.org', name: 'Kim', city: ' ' },
      },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

const page = async (p: string) => (await fetch(new URL(p, server.url))).text();

describe('preview: merge tags empty for the viewed subscriber', () => {
  it('warns, at the tag, when the sample subscriber has no such field', async () => {
    const frame = await page(`/issues/${DIGEST}/frame?part=html&sub=sample`);
    expect(frame).toContain('you live in .');
    const html = await page(`/issues/${DIGEST}/?sub=sample`);
    expect(html).not.toContain('No problems found');
    expect(html).toContain('preview/empty-merge-tag');
    expect(html).toContain(`${ISSUE}:${line}`);
    expect(html).toContain(
      '{{subscriber.city}} renders as nothing for Sample subscriber (Sam Reader): it has no &quot;city&quot; and the tag has no fallback',
    );
  });

  it('says nothing for a subscriber who has the value, and for the unfilled view', async () => {
    expect(await page(`/issues/${DIGEST}/?sub=0`)).not.toContain('preview/empty-merge-tag');
    expect(await page(`/issues/${DIGEST}/?sub=raw`)).not.toContain('preview/empty-merge-tag');
  });

  it('warns for a subscriber whose column is blank', async () => {
    const html = await page(`/issues/${DIGEST}/?sub=1`);
    expect(html).toContain('renders as nothing for Kim &lt;kim@example.org&gt;: its &quot;city&quot; is empty');
  });

  it('leaves an issue whose tags all have values or fallbacks clean', async () => {
    expect(await page(`/issues/${FEATURE}/?sub=sample`)).toContain('No problems found');
  });
});
