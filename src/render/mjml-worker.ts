import { parentPort } from 'node:worker_threads';
import { runMjml } from './mjml-run.js';

// The compile worker (mjml-engine.ts): loads mjml as soon as it starts, while the main thread
// loads content and renders templates, then compiles what it is sent, one message per document.

interface Request {
  id: number;
  mjml: string;
}

void import('./mjml-lib.js');
parentPort?.on('message', async ({ id, mjml }: Request) => {
  parentPort?.postMessage({ id, outcome: await runMjml(mjml) });
});
