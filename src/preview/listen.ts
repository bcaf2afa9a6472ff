import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GazetteError } from '../util/errors.js';

/** Listens on `port`, or on the next free one of the `tries` after it (not for port 0). */
export async function listen(server: http.Server, host: string, port: number, tries: number): Promise<number> {
  for (let i = 0; ; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port + i, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && port !== 0 && i < tries) continue;
      throw new GazetteError(
        code === 'EADDRINUSE'
          ? `ports ${port} to ${port + i} are all in use`
          : `cannot listen on ${host}:${port + i}: ${(cause as Error).message}`,
        {
          code: 'preview/listen',
          cause,
          hint:
            code === 'EADDRINUSE'
              ? 'Stop the other servers, or pick another port with --port N.'
              : 'Check --host (an address of this machine, e.g. 127.0.0.1) and --port (1024-65535).',
        },
      );
    }
  }
}
