#!/usr/bin/env node
// The `create-runikraft` executable (what `npm create runikraft` runs).
import { createMain } from './cli';

process.exitCode = createMain(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  cwd: process.cwd(),
});
