import { describe, expect, it } from 'vitest';
import { portOption } from '../../../src/commands/args.js';
import { gz } from '../../helpers/run.js';

// serve and preview had a check each: the same regex, but different messages and hints (preview
// said ports start at 1024, yet took 0-1023). One rule now, with one message.
describe('portOption (serve and preview --port)', () => {
  it('takes 0 to 65535 in digits', () => {
    expect(portOption('0')).toBe(0);
    expect(portOption('8080')).toBe(8080);
    expect(portOption('65535')).toBe(65535);
    expect(portOption('080')).toBe(80);
  });

  it('refuses anything else with one message and hint', () => {
    for (const bad of ['65536', '-1', '+80', ' 80', '8e3', '0x50', '', 'eighty', '100000'])
      expect(() => portOption(bad), bad).toThrow(
        expect.objectContaining({ code: 'cli/usage', message: `--port "${bad}" is not a port number` }),
      );
  });

  it('serve and preview refuse the same port the same way', async () => {
    const serve = await gz(['serve', '--port', '65536'], { env: { GAZETTE_SECRET: 'x'.repeat(40) } });
    const preview = await gz(['preview', '--port', '65536']);
    for (const r of [serve, preview]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--port "65536" is not a port number');
      expect(r.stderr).toContain('from 0 to 65535 (0 picks a free one)');
    }
  });
});
