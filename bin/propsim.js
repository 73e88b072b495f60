#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through tsx so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
// A reader that stops early (`propsim whatif --help | head`) closes the pipe: stop quietly, as
// other command-line tools do, instead of dying on the unhandled write error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`propsim: cannot write the output: ${e.message}\n`);
  process.exit(1);
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
