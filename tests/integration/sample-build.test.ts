import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { buildIssue } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the sample publication', () => {
  it('builds every issue with no error', async () => {
    const result = await buildIssue({ root: ROOT });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.issues.map((r) => r.issue.layout).sort()).toEqual(['digest', 'feature']);
    for (const r of result.issues) {
      expect(r.bytes.html).toBeLessThan(102_400);
      expect(r.html).not.toMatch(/<\/?mj-/);
    }
  });
});
