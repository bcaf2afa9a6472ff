#!/usr/bin/env node
// The TypeScript is compiled to lib/ by `npm ci` (the `prepare` script).
import('../lib/cli.js')
  .then((m) => m.main(process.argv.slice(2)))
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('lib/cli.js')) {
      console.error('gazette: lib/ is missing. Run `npm ci` (or `npm run build:ts`) first.');
    } else {
      console.error(err);
    }
    process.exitCode = 1;
  });
