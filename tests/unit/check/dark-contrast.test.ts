import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { checkIssue } from '../../../src/check/index.js';
import { buildIssue } from '../../../src/pipeline/build.js';
import { article, issue, makeRoot, REPO } from '../../helpers/root.js';

// check computes contrast in dark mode too: the theme's dark block over the inline light styles.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const BODY =
  'Some `inline code` here.\n\n```\nconst block = 1;\n```\n\n##### A fifth-level heading\n\n| a | b |\n|---|---|\n| 1 | 2 |';

async function darkFindings(templates: Record<string, string> = {}) {
  const root = await makeRoot({
    articles: { post: article({}, BODY) },
    issues: { i: issue(['post'], { layout: 'feature' }, 'Hi.') },
    templates,
  });
  cleanups.push(root.cleanup);
  const r = await buildIssue({ root: root.root });
  const found = await checkIssue(r.issues[0]!, { content: r.content! });
  return found.filter((d) => d.code === 'a11y/contrast' && d.message.startsWith('in dark mode'));
}

describe('dark-mode contrast', () => {
  it('passes the theme: code, pre, tables and every heading level have dark colours', async () => {
    expect(await darkFindings()).toEqual([]);
  });

  it('finds a heading level the dark palette forgot (the old palette left h5 dark on dark)', async () => {
    // The dark-mode partial as it was before code and h5/h6 were covered.
    const old = execFileSync('git', ['show', 'a0216a7:templates/partials/dark-mode.mjml.hbs'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    const found = await darkFindings({ 'partials/dark-mode.mjml.hbs': old });
    const messages = found.map((d) => d.message).join('\n');
    expect(messages).toMatch(/"A fifth-level heading" \(<h5>\) is #1f1f1f on #1c1c1e/);
  });
});
