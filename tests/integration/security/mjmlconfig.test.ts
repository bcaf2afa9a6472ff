import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envWith } from '../../helpers/cli.js';
import { CLI } from '../../helpers/root.js';
import { useSample } from '../../helpers/sample.js';
import { buildSnapshot } from '../../helpers/snapshot.js';

// docs/templates.md: MJML runs without `.mjmlconfig`. mjml-core registers the packages of the
// `.mjmlconfig` in the current folder as it loads (require()s them: code), whatever the compile
// options say. The startup snapshot loads mjml while it is built, elsewhere, so it never read
// one; the compile worker and the in-process compile must not either.

const sample = useSample();
let snapshotDir: string;
beforeAll(() => {
  snapshotDir = buildSnapshot('gazette-mjmlconfig-snapshot');
}, 120_000);
afterAll(() => rmSync(snapshotDir, { recursive: true, force: true }));

describe('a .mjmlconfig in the folder gazette runs in', () => {
  it('is neither read nor run, by build and check with or without the startup snapshot', async () => {
    const root = await sample();
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'gazette-mjmlconfig-'));
    try {
      const marker = path.join(cwd, 'ran');
      writeFileSync(path.join(cwd, '.mjmlconfig'), JSON.stringify({ packages: ['./component.cjs'] }));
      writeFileSync(
        path.join(cwd, 'component.cjs'),
        `require('node:fs').appendFileSync(${JSON.stringify(marker)}, 'x');\nmodule.exports = class {};\n`,
      );
      for (const snapshot of ['off', snapshotDir])
        for (const args of [
          ['build', '--root', root, '--no-cache', '--quiet'],
          ['check', '--root', root, '--format', 'json'],
        ]) {
          const r = spawnSync(process.execPath, [CLI, ...args], {
            cwd,
            env: envWith({ GAZETTE_SNAPSHOT: snapshot, GAZETTE_SKIP_LIVE_CHECK: '1' }),
            encoding: 'utf8',
          });
          expect(r.status, r.stderr).toBe(0);
          if (snapshot !== 'off') expect(r.stderr).not.toContain('startup snapshot');
          expect(r.stderr).not.toContain('mjmlconfig');
          expect(existsSync(marker), `${args[0]} with GAZETTE_SNAPSHOT=${snapshot}`).toBe(false);
        }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
