import { GazetteError } from '../errors.js';

// Placeholder until its issue lands; replaced by the real command.
export async function run(_argv: string[]): Promise<number> {
  throw new GazetteError('`gazette send` is not built yet', { code: 'cli/not-implemented' });
}
