// `rk run` of an image with libc-shim restarts Node with --experimental-wasm-stack-switching, so the
// program's blocking calls (nanosleep here) suspend through JSPI; without the flag (RK_JSPI=0)
// forcing libc.suspend=jspi is a precise error and a failure status.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const rk = fileURLToPath(new URL('../../../tools/rk/bin/rk.mjs', import.meta.url));

function rkRun(append: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [rk, 'run', appDir, '-append', append], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 240_000,
  });
}

describe('rk run and JSPI', () => {
  it('runs the program through JSPI when libc.suspend=jspi', () => {
    const r = rkRun('rkboot.banner=off libc.suspend=jspi -- a');
    expect(r.stdout).toContain('c-hello: slept at least 10 ms\n');
    expect(r.stdout).toContain('c-hello: the year is after 2023\n');
    expect(r.status).toBe(0);
  }, 300_000);

  it('names the missing flag when JSPI is forced on a Node started without it', () => {
    const r = rkRun('rkboot.banner=off libc.suspend=jspi', { RK_JSPI: '0' });
    expect(r.stdout).toContain('--experimental-wasm-stack-switching');
    expect(r.status).toBe(127);
  }, 300_000);
});
