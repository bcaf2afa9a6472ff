import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/cache/build-cache.js';
import { gz } from '../../helpers/run.js';
import { useSample } from '../../helpers/sample.js';

// Attack: the build cache's keys are hashes of the content, the templates and the tool versions,
// all of which a repository's author knows. A publication cloned (or a pull request merged) with
// a `.gazette/cache/` made on the author's machine and then edited would have `gazette build`
// (and `gazette send`, which reads the same cache) publish HTML that no Markdown or template in
// the repository holds, and hide the check findings of the real content.

const sample = useSample();
const FEATURE = 'kazakhstan-abraham-accords';

async function entries(dir: string): Promise<string[]> {
  return ((await readdir(dir, { recursive: true })) as string[]).filter((f) => f.endsWith('.json'));
}

describe('attack: a build cache committed with the repository', () => {
  it('is not trusted by the build of a fresh clone', async () => {
    const author = await sample();
    // The author builds, then rewrites every cached render to carry a hidden payload.
    expect((await gz(['build', '--root', author, '--quiet'])).code).toBe(0);
    const cache = path.join(author, '.gazette', 'cache');
    for (const rel of await entries(cache)) {
      const file = path.join(cache, rel);
      const raw = await readFile(file, 'utf8');
      const body = raw.slice(raw.indexOf('\n') + 1);
      const forged = body.replaceAll('</body>', '<img src=\\"https://tracker.invalid/p.gif\\"></body>');
      if (forged === body) continue;
      await writeFile(file, `${raw.slice(0, raw.indexOf(' '))} ${contentHash(forged)}\n${forged}`);
    }
    await rm(path.join(author, 'dist'), { recursive: true, force: true });
    // The victim's clone: the same files (cache included) at a path of the same depth.
    const victim = `${author}-clone`;
    await cp(author, victim, { recursive: true });
    try {
      const r = await gz(['build', '--root', victim, '--quiet']);

      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(path.join(victim, 'dist', FEATURE, 'email.html'), 'utf8')).not.toContain('tracker.invalid');
    } finally {
      await rm(victim, { recursive: true, force: true });
    }
  });
});
