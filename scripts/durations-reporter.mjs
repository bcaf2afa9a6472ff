// A vitest reporter that prints how long each test file took (import + hooks + tests), slowest
// first, and the sum: `npx vitest run --project unit --reporter=default --reporter=./scripts/durations-reporter.mjs`.
// GAZETTE_DURATIONS=FILE also writes the rows as JSON. For finding what makes `npm test` slow.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export default class DurationsReporter {
  rows = [];

  onTestModuleEnd(module) {
    const d = module.diagnostic();
    const tests = [...module.children.allTests()];
    this.rows.push({
      file: path.relative(process.cwd(), module.moduleId),
      project: module.project.name,
      ms: Math.round(d.collectDuration + d.setupDuration + d.duration),
      importMs: Math.round(d.collectDuration),
      tests: tests.length,
      failed: tests.filter((t) => t.result().state === 'failed').length,
    });
  }

  onTestRunEnd() {
    const rows = this.rows.sort((a, b) => b.ms - a.ms);
    const sum = rows.reduce((s, r) => s + r.ms, 0);
    const lines = rows.map(
      (r) =>
        `${String(r.ms).padStart(8)} ms  (import ${String(r.importMs).padStart(6)})  ${String(r.tests).padStart(3)} tests${r.failed ? ` ${r.failed} FAILED` : ''}  ${r.file}`,
    );
    process.stdout.write(`\nper-file durations:\n${lines.join('\n')}\n${rows.length} files, sum ${sum} ms\n`);
    if (process.env.GAZETTE_DURATIONS) writeFileSync(process.env.GAZETTE_DURATIONS, JSON.stringify(rows, null, 2));
  }
}
