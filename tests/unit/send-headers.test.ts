import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RenderedIssue } from '../../src/types.js';

// Issue 13: display names over ~990 characters produced header lines of 1,227 to 3,027
// characters. Every header line must stay within 998, and fold at 78 wherever it can.

let rendered: RenderedIssue;
beforeAll(async () => {
  const { buildIssue } = await import('../../src/pipeline/build.js');
  const { REPO } = await import('../helpers/root.js');
  rendered = (await buildIssue({ root: REPO, issue: 'kazakhstan-abraham-accords' })).issues[0]!;
});

function headerLines(raw: Buffer): string[] {
  return raw.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n');
}

const NAMES = {
  'one long ASCII word': 'A'.repeat(3000),
  'ASCII words': Array.from({ length: 300 }, (_, i) => `word${i}`).join(' '),
  'non-ASCII': 'Émile Zoë 🎉 '.repeat(250),
  'quotes and specials': '"<x@evil.org>", '.repeat(200),
};

describe('header folding', () => {
  for (const [label, name] of Object.entries(NAMES)) {
    it(`keeps every header line within 998 and folds at 78 for a 3,000-character display name (${label})`, async () => {
      const { createMessageTemplate } = await import('../../src/send/message.js');
      const long = {
        ...rendered,
        issue: {
          ...rendered.issue,
          title: name,
          publication: { ...rendered.issue.publication, name, from: { ...rendered.issue.publication.from, name } },
        },
      };
      const template = createMessageTemplate(long, { secret: 'test-secret-0123456789abcdef' });
      const message = template.compose({
        email: 'ada@example.org',
        ascii: 'ada@example.org',
        fields: { email: 'ada@example.org', name },
      });
      const lines = headerLines(message.raw);
      expect(lines.length).toBeGreaterThan(20);
      for (const line of lines) {
        expect(line.length, line.slice(0, 60)).toBeLessThanOrEqual(998);
        // A line over 78 may only be one token that cannot be broken (a URL in angle brackets).
        if (line.length > 78) expect(line.trim(), line.slice(0, 120)).toMatch(/^(?:[\w-]+: )?<[^ ]+>,?$/);
      }
      const parsed = await simpleParser(message.raw);
      const clean = name.replace(/\s+/g, ' ').trim();
      expect(parsed.subject).toBe(clean);
      const to = parsed.to as { value: { name: string; address: string }[] };
      expect(to.value[0]!.address).toBe('ada@example.org');
      expect(to.value[0]!.name.replace(/\s+/g, ' ').trim()).toBe(clean);
      const from = parsed.from as { value: { name: string; address: string }[] };
      expect(from.value[0]!.address).toBe(rendered.issue.publication.from.address);
    });
  }
});
