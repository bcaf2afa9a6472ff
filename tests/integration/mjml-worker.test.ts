import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gz } from '../helpers/run.js';
import { REPO } from '../helpers/root.js';
import { useSample } from '../helpers/sample.js';
import { fileTree } from '../helpers/tree.js';
import { envWith, runCli } from '../helpers/cli.js';

// The compile worker (src/render/mjml-engine.ts): the compiled lib/ is what starts it (a worker
// runs plain JavaScript), so these tests use lib/, which tests/setup/compile.ts builds.

const sample = useSample();
const engineModule = path.join(REPO, 'lib', 'render', 'mjml-engine.js');
const runModule = path.join(REPO, 'lib', 'render', 'mjml-run.js');

type Engine = typeof import('../../src/render/mjml-engine.js');
type Run = typeof import('../../src/render/mjml-run.js');

const VALID = `<mjml><mj-body><mj-section><mj-column><mj-text>Hello & welcome</mj-text></mj-column></mj-section></mj-body></mjml>`;
const INVALID = `<mjml><mj-body><mj-section><mj-column><mj-text colour="red">x</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe('the MJML compile worker', () => {
  it('compiles to the same bytes and the same errors as in-process', async () => {
    const { mjmlWorker } = (await import(engineModule)) as Engine;
    const { runMjml } = (await import(runModule)) as Run;
    const engine = mjmlWorker();
    expect(engine).toBeDefined(); // lib/ has the worker file, and this machine has 2 cores
    try {
      for (const doc of [VALID, INVALID]) expect(await engine!.compile(doc)).toEqual(await runMjml(doc));
      const bad = await engine!.compile(INVALID);
      expect('error' in bad && bad.error.errors?.[0]).toMatchObject({ tagName: 'mj-text', line: 1 });
    } finally {
      await engine!.close();
    }
  });

  it('hands a document it has not answered to the main thread when it is stopped', async () => {
    const { mjmlWorker } = (await import(engineModule)) as Engine;
    const { runMjml } = (await import(runModule)) as Run;
    const engine = mjmlWorker()!;
    // Asked at once, before the worker has even loaded mjml, then stopped.
    const answer = engine.compile(VALID);
    await engine.close();
    expect(await answer).toEqual(await runMjml(VALID));
    // Once closed, it still compiles (in-process).
    expect(await engine.compile(VALID)).toEqual(await runMjml(VALID));
  });

  it('gazette build with the worker (the real binary) writes what the in-process build writes', async () => {
    const root = await sample();
    const bin = await runCli(['build', '--root', root, '--quiet', '--no-cache', '--out', 'by-worker'], envWith());
    expect(bin.code, bin.stderr).toBe(0);
    const inProcess = await gz(['build', '--root', root, '--quiet', '--no-cache', '--out', 'in-process']);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const expected = fileTree(path.join(root, 'in-process'));
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(fileTree(path.join(root, 'by-worker'))).toEqual(expected);
  });

  it('reports a template that does not compile at its line, through the worker', async () => {
    const root = await sample();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const layout = readFileSync(path.join(REPO, 'templates', 'layouts', 'feature.mjml.hbs'), 'utf8');
    mkdirSync(path.join(root, 'templates', 'layouts'), { recursive: true });
    writeFileSync(
      path.join(root, 'templates', 'layouts', 'feature.mjml.hbs'),
      layout.replace('<mj-body', '<mj-body colour="red"'),
    );
    const bin = await runCli(['build', '--root', root, '--no-cache'], envWith());
    expect(bin.code).toBe(1);
    expect(bin.stderr).toMatch(/templates\/layouts\/feature\.mjml\.hbs:\d+/);
    expect(bin.stderr).toContain('template/mjml');
  });
});
