// httpreply and kvstore behind QEMU 7.2's own slirp: a `qemu-system-riscv64 -M none` process runs
// `-netdev user,hostfwd=…` on a hub with a `-netdev stream` UNIX socket, our machine's virtio-net
// connects to that socket, and the guest takes its address from QEMU's DHCP. curl and redis-cli on
// the host reach the apps through QEMU's hostfwd: our stack against an independent slirp.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/nginx';
import { run } from './support/run';
import { bootOnNetdev } from './support/tap-guest';

function why(): string | null {
  if (spawnSync('qemu-system-riscv64', ['--version']).status !== 0)
    return 'qemu-system-riscv64 is not installed (apt-get install qemu-system-misc)';
  for (const t of ['curl', 'redis-cli'])
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed`;
  return null;
}
const skip = why();
if (skip) console.log(`[skip] QEMU slirp test: ${skip}`);

interface Qemu {
  sock: string;
  stop(): Promise<void>;
}

/** QEMU as a slirp proxy: stream server on a UNIX socket and user networking on one hub. */
async function startQemuSlirp(hostPort: number, guestPort: number): Promise<Qemu> {
  const dir = mkdtempSync(join(tmpdir(), 'rk-qslirp-'));
  const sock = join(dir, 'q.sock');
  const child: ChildProcess = spawn(
    'qemu-system-riscv64',
    [
      '-M',
      'none',
      '-nographic',
      '-monitor',
      'none',
      '-serial',
      'none',
      '-netdev',
      `stream,id=s0,server=on,addr.type=unix,addr.path=${sock}`,
      '-netdev',
      'hubport,id=h0,hubid=0,netdev=s0',
      '-netdev',
      `user,id=u0,restrict=on,hostfwd=tcp:127.0.0.1:${hostPort}-10.0.2.15:${guestPort}`,
      '-netdev',
      'hubport,id=h1,hubid=0,netdev=u0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  for (let i = 0; !existsSync(sock); i++) {
    if (child.exitCode !== null || i > 100) throw new Error(`QEMU did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    sock,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const done = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const appImage = async (app: string) =>
  loadImage((await buildImage(fileURLToPath(new URL(`../../${app}`, import.meta.url)))).imagePath);

describe.skipIf(skip !== null)('the apps behind QEMU 7.2 slirp (-M none, stream over UNIX)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('httpreply: curl through QEMU hostfwd, keep-alive and close', async () => {
    const port = await freePort();
    const q = await startQemuSlirp(port, 80);
    cleanups.push(() => q.stop());
    const spec = `stream,id=n0,server=off,addr.type=unix,addr.path=${q.sock}`;
    const g = await bootOnNetdev(await appImage('httpreply'), spec, '--', /httpreply: serving on /);
    cleanups.push(() => g.stop());
    expect(g.out()).toContain('httpreply: serving on http://10.0.2.15/');
    const url = `http://127.0.0.1:${port}/`;
    const each = ['-o', '/dev/null', url];
    const fmt = '%{http_code} %{size_download} %{num_connects}\\n';
    expect((await run('curl', ['-s', '-w', fmt, ...each, ...each])).stdout).toBe(
      '200 612 1\n200 612 0\n',
    );
    const close = await run('curl', ['-s', '-i', '-H', 'Connection: close', `${url}nope`]);
    expect(close.stdout).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*Connection: close\r\n/);
  }, 120_000);

  it('kvstore: a redis-cli session through QEMU hostfwd', async () => {
    const port = await freePort();
    const q = await startQemuSlirp(port, 6379);
    cleanups.push(() => q.stop());
    const spec = `stream,id=n0,server=off,addr.type=unix,addr.path=${q.sock}`;
    const g = await bootOnNetdev(await appImage('kvstore'), spec, '--', /kvstore: ready on /);
    cleanups.push(() => g.stop());
    const cli = (...a: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...a]);
    expect((await cli('SET', 'k', 'through qemu')).stdout).toBe('OK\n');
    expect((await cli('GET', 'k')).stdout).toBe('through qemu\n');
    expect((await cli('INCR', 'n')).stdout).toBe('1\n');
  }, 120_000);
});
