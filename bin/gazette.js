#!/usr/bin/env node
// The TypeScript is compiled to lib/ by `npm ci` (the `prepare` script), which also builds the
// startup snapshot that `build` and `check` start from when it is fresh (lib/snapshot/launch.js).
const argv = process.argv.slice(2);
import('../lib/snapshot/launch.js')
  .then((snapshot) => snapshot.launch(argv))
  .then((done) => done || import('../lib/cli.js').then((m) => m.main(argv)))
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && /lib\/(cli|snapshot\/launch)\.js/.test(String(err.message))) {
      console.error('gazette: lib/ is missing. Run `npm ci` (or `npm run build:ts`) first.');
    } else {
      console.error(err);
    }
    process.exitCode = 1;
  });
