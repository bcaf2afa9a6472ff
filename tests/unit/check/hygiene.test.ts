import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIssue } from '../../../src/check/index.js';
import { buildIssue } from '../../../src/pipeline/build.js';
import { codes, DIGEST, FEATURE, FEATURE_ARTICLE, only, sampleFixture, type Fixture } from './fixture.js';

const DIGEST_ISSUE = `content/issues/${DIGEST}.md`;

describe('template hygiene rules', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
  });
  afterAll(() => fx.cleanup());

  it('passes the sample with a list that has the columns it uses', async () => {
    for (const issue of [FEATURE, DIGEST])
      expect(
        codes(await fx.check(issue, { subscribers: { columns: ['email', 'name'], longest: {} } }), 'hygiene/'),
      ).toEqual([]);
  });

  it('flags merge tags reading columns the subscriber list lacks, at the line they were written', async () => {
    const original = await fx.read(DIGEST_ISSUE);
    try {
      await fx.edit(
        DIGEST_ISSUE,
        'Hi {{subscriber.name | default: "reader"}},',
        'Hi {{subscriber.name | default: "reader"}} of {{subscriber.company}},',
      );
      const ds = only(
        await fx.check(DIGEST, { subscribers: { columns: ['email', 'first_name'], longest: {} } }),
        'hygiene/unknown-column',
      );
      expect(ds.map((d) => [d.severity, d.file, d.line])).toEqual([
        ['warning', DIGEST_ISSUE, 15],
        ['error', DIGEST_ISSUE, 15],
      ]);
      expect(ds[1]!.hint).toContain('it has: email, first_name');
      // Without --subscribers there is nothing to compare with.
      expect(only(await fx.check(DIGEST), 'hygiene/unknown-column')).toEqual([]);
    } finally {
      await fx.write(DIGEST_ISSUE, original);
    }
  });

  it("flags unbalanced or unknown placeholders and other tools' merge tags", async () => {
    const original = await fx.read(FEATURE_ARTICLE);
    try {
      await fx.edit(FEATURE_ARTICLE, /\n---\n/, '\n---\n\nDear {{subscriber.name}, and %%first_name%%, welcome.\n');
      // Article prose is checked as it is composed: the build itself fails, at the line written,
      // and check does not report the same finding a second time.
      const result = await buildIssue({ root: fx.root, issue: FEATURE });
      expect(result.ok).toBe(false);
      const ds = [
        ...result.diagnostics,
        ...(result.issues[0] ? await checkIssue(result.issues[0], { content: result.content! }) : []),
      ];
      expect(only(ds, 'hygiene/placeholder')).toHaveLength(1);
      expect(only(ds, 'hygiene/placeholder')[0]).toMatchObject({ severity: 'error', file: FEATURE_ARTICLE, line: 18 });
      expect(only(ds, 'hygiene/placeholder')[0]!.message).toContain('"{{subscriber.name"');
      expect(only(ds, 'hygiene/foreign-merge-tag')).toHaveLength(1);
      expect(only(ds, 'hygiene/foreign-merge-tag')[0]).toMatchObject({
        severity: 'error',
        file: FEATURE_ARTICLE,
        line: 18,
      });
    } finally {
      await fx.write(FEATURE_ARTICLE, original);
    }
  });
});
