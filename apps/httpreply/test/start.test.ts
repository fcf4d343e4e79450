// What `pnpm start` runs: the real rk bin boots httpreply with `-nic user,hostfwd=…` and an url=
// argument, curl reaches it through the forwarded port, and Ctrl-C (SIGINT) powers the machine off
// with status 0. Skipped, with the reason, where the machine has no `-netdev user`.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRk, repoRoot, rkBin } from '../../../tools/rk/test/helpers/rk-bin';
import { freePort } from './support/nginx';
import { run } from './support/run';
import { userNetUnavailable } from './support/tap-guest';

const skip = userNetUnavailable();
if (skip) console.log(`[skip] httpreply start test: ${skip}`);

describe.skipIf(skip !== null)('rk run apps/httpreply -nic user,hostfwd (pnpm start)', () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    cleanupRk();
  });

  for (const [what, nic] of [
    ['-nic user', (port: number) => ['-nic', `user,hostfwd=tcp:127.0.0.1:${port}-:80`]],
    [
      '-netdev user + -device virtio-net-pci',
      (port: number) => [
        '-netdev',
        `user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:80`,
        '-device',
        'virtio-net-pci,netdev=n0',
      ],
    ],
  ] as const)
    it(`${what}: serves on the forwarded port until Ctrl-C, then powers off with status 0`, async () => {
      const port = await freePort();
      const url = `http://localhost:${port}/`;
      const c = spawn(
        process.execPath,
        [await rkBin(), 'run', 'apps/httpreply', ...nic(port), '-append', `httpreply.url=${url}`],
        { cwd: repoRoot },
      );
      child = c;
      let out = '';
      c.stdout?.on('data', (d) => (out += d));
      c.stderr?.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
      for (let i = 0; i < 600 && !out.includes(`httpreply: serving on ${url}`); i++) {
        if (c.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toContain(`httpreply: serving on ${url}`);
      const r = await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{size_download}',
        url,
      ]);
      expect(r.stdout).toBe('200 612');
      c.kill('SIGINT');
      expect(await exited, out).toBe(0);
      expect(out).toContain('rk run: interrupted (Ctrl-C): powering off');
      if (what.includes('pci')) expect(out).toContain('virtio-pci@0000:00:01.0: net v2');
    }, 120_000);
});
