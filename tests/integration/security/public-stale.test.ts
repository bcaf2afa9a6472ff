import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gz } from '../../helpers/run.js';
import { useSample } from '../../helpers/sample.js';

// An issue deleted from content/ (retracted, or renamed) leaves dist/ with the next build; it must
// leave the public tree for the static host (`--public DIR`) too. There the folder has no
// issue.json (sender-only), which is how the build told an issue's output from a folder of the
// user's: the old web.html was carried over as "another folder", and stayed online for good.

const sample = useSample();
const RETRACTED = 'kazakhstan-abraham-accords';

describe('the public tree of a retracted issue', () => {
  for (const extra of [[], ['--issue', 'weekly-digest-2025-11-21']])
    it(`loses its web version with the next build${extra.length ? ' (--issue of another)' : ''}`, async () => {
      const root = await sample();
      const build = async () => {
        const r = await gz(['build', '--root', root, '--quiet', '--public', 'site', ...extra]);
        expect(r.code, r.stderr).toBe(0);
      };
      const r = await gz(['build', '--root', root, '--quiet', '--public', 'site']);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(path.join(root, 'site', RETRACTED, 'web.html'))).toBe(true);
      rmSync(path.join(root, 'content', 'issues', `${RETRACTED}.md`));
      await build();
      expect(existsSync(path.join(root, 'site', RETRACTED))).toBe(false);
      expect(existsSync(path.join(root, 'site', 'issues', RETRACTED))).toBe(false);
    });
});
