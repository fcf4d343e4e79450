#!/usr/bin/env node
// The `rk` executable: runs one command line and exits with its status (the guest's for `rk run`).
import { rkMain } from './cli';

rkMain(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e) => {
    process.stderr.write(`rk: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
