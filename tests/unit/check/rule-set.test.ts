import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../../src/pipeline/build.js';
import { PreviewSession } from '../../../src/preview/session.js';
import { compileFill } from '../../../src/render/merge.js';
import { createMessageTemplate } from '../../../src/send/message.js';
import { FEATURE, FEATURE_ARTICLE, only, sampleFixture, type Fixture } from './fixture.js';

// Checks run once per build: `buildIssue` takes the rule set. The preview used to run the cheap
// rules in the build and every rule again after it, and showed `size/gmail-clip` twice.
describe('rule sets', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
    const long = Array.from(
      { length: 260 },
      (_, i) => `Paragraph ${i}: ${'The council met again to discuss the budget and the new library. '.repeat(6)}`,
    ).join('\n\n');
    await fx.edit(FEATURE_ARTICLE, /\n---\n/, `\n---\n\n${long}\n`);
  });
  afterAll(() => fx.cleanup());

  it("'cheap' (the default) reports the clip once and none of the full rules", async () => {
    const result = await buildIssue({ root: fx.root, issue: FEATURE });
    expect(only(result.diagnostics, 'size/gmail-clip')).toHaveLength(1);
    expect(only(result.diagnostics, 'size/text-budget')).toEqual([]);
  });

  it("'all' runs every rule once, inside the build, and keeps them on the issue", async () => {
    const result = await buildIssue({ root: fx.root, issue: FEATURE, rules: 'all' });
    const clip = only(result.diagnostics, 'size/gmail-clip');
    expect(clip).toHaveLength(1);
    expect(clip[0]!.message).toMatch(/largest personalized/);
    expect(only(result.diagnostics, 'size/text-budget')).toHaveLength(1);
    expect(result.issues[0]!.diagnostics).toEqual(result.diagnostics.filter((d) => d.issue === FEATURE));
  });

  it('the preview shows size/gmail-clip once', async () => {
    const session = new PreviewSession(fx.root);
    await session.rebuild();
    const view = session.view(FEATURE)!;
    expect(view.rendered).toBeDefined();
    expect(only(view.diagnostics, 'size/gmail-clip')).toHaveLength(1);
    expect(only(view.diagnostics, 'size/text-budget')).toHaveLength(1);
  });

  it('the merge-tag fill plan is made once by the build; send fills from it', async () => {
    const r = (await buildIssue({ root: fx.root, issue: FEATURE })).issues[0]!;
    expect(r.fill.html.statics).toEqual(compileFill(r.html, 'html').statics);
    expect(r.fill.text.statics).toEqual(compileFill(r.text, 'text').statics);
    const marked = { ...r, fill: { ...r.fill, text: compileFill('plan from the build {{subscriber.name}}', 'text') } };
    const message = createMessageTemplate(marked, { secret: 'test-secret-0123456789abcdef' }).compose({
      email: 'ann@example.org',
      ascii: 'ann@example.org',
      fields: { email: 'ann@example.org', name: 'Ann' },
    });
    expect(message.raw.toString('utf8').replace(/=\r\n/g, '')).toContain('plan from the build Ann');
  });
});
