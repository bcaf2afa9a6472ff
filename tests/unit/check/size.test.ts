import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRendered } from '../../../src/check/index.js';
import { htmlSizeFinding, GMAIL_CLIP_BYTES, SIZE_WARNING_BYTES } from '../../../src/check/size.js';
import { codes, DIGEST, FEATURE, FEATURE_ARTICLE, only, sampleFixture, type Fixture } from './fixture.js';

describe('size rules', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
  });
  afterAll(() => fx.cleanup());

  it('the sample issues are far below the clipping threshold and the text budget', async () => {
    for (const issue of [FEATURE, DIGEST]) expect(codes(await fx.check(issue), 'size/')).toEqual([]);
  });

  it('thresholds: a warning from 90 KB, an error above 102,400 bytes', () => {
    expect(htmlSizeFinding(SIZE_WARNING_BYTES, 'x.md')).toBeUndefined();
    expect(htmlSizeFinding(SIZE_WARNING_BYTES + 1, 'x.md')?.severity).toBe('warning');
    expect(htmlSizeFinding(GMAIL_CLIP_BYTES, 'x.md')?.severity).toBe('warning');
    expect(htmlSizeFinding(GMAIL_CLIP_BYTES + 1, 'x.md')?.severity).toBe('error');
  });

  it('measures the largest personalized variant: a long name in the list pushes the email over the limit', async () => {
    const plain = await fx.check(DIGEST, {
      subscribers: { columns: ['email', 'name'], longest: { email: 'a@b.org', name: 'Ann' } },
    });
    expect(only(plain, 'size/gmail-clip')).toEqual([]);
    const huge = await fx.check(DIGEST, {
      subscribers: { columns: ['email', 'name'], longest: { email: 'a@b.org', name: 'N'.repeat(100_000) } },
    });
    const [clip] = only(huge, 'size/gmail-clip');
    expect(clip).toMatchObject({ severity: 'error', file: `content/issues/${DIGEST}.md` });
    expect(clip!.message).toMatch(/largest personalized/);
  });

  it('a very long article is clipped by Gmail and blows the text budget; the build reports the clip too', async () => {
    const long = Array.from(
      { length: 260 },
      (_, i) => `Paragraph ${i}: ${'The council met again to discuss the budget and the new library. '.repeat(6)}`,
    ).join('\n\n');
    const original = await fx.read(FEATURE_ARTICLE);
    try {
      await fx.edit(FEATURE_ARTICLE, /\n---\n/, `\n---\n\n${long}\n`);
      const ds = await fx.check(FEATURE);
      expect(only(ds, 'size/gmail-clip')[0]?.severity).toBe('error');
      expect(only(ds, 'size/text-budget')[0]?.severity).toBe('warning');
    } finally {
      await fx.write(FEATURE_ARTICLE, original);
    }
  });

  it('checkRendered (every build) flags MJML left in the output', () => {
    const r = {
      issue: { file: 'content/issues/x.md', slug: 'x' },
      html: '<p><mj-text>oops</mj-text></p>',
      bytes: { html: 10, text: 1, web: 1 },
    };
    expect(checkRendered(r as never, {} as never).map((d) => d.code)).toEqual(['html/mjml-left']);
    expect(checkRendered({ ...r, html: '<p>fine</p>' } as never, {} as never)).toEqual([]);
  });
});
