#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through tsx so no build step is needed after `npm ci`.
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';

// tsx keeps its compile cache in the temporary directory: without a writable one, run uncached.
try {
  if (!statSync(tmpdir()).isDirectory()) throw new Error('not a directory');
  accessSync(tmpdir(), constants.W_OK);
} catch {
  process.env.TSX_DISABLE_CACHE = '1';
}
const { register } = await import('tsx/esm/api');
register();
// A reader that stops early (`propsim whatif --help | head`) closes the pipe: stop quietly, as
// other command-line tools do, instead of dying on the unhandled write error.
let cli;
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') {
    cli?.stdoutClosed();
    process.exit(process.exitCode ?? 0);
  }
  process.stderr.write(`propsim: cannot write the output: ${e.message}\n`);
  process.exit(1);
});
cli = await import('../src/cli/main.ts');
const { main, interrupted } = cli;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    interrupted();
    process.exit(code);
  });
}
process.exitCode = await main(process.argv.slice(2));
