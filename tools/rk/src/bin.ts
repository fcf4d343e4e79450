#!/usr/bin/env node
// The `rk` executable: runs one command line and exits with its status (the guest's for `rk run`).
// It exits explicitly: a console backend may still hold stdin open once the machine has stopped.
// (On Linux, writes to stdout pipes, files and terminals are synchronous, so nothing is lost.)
import { rkMain } from './cli';

rkMain(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e) => {
    process.stderr.write(`rk: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(70);
  },
);
