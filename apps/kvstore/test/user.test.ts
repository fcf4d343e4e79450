// kvstore booted on the machine behind `-netdev user,hostfwd=tcp:127.0.0.1:PORT-:7000,restrict=on`
// (kvstore listening on 7000 by its boot parameter kvstore.port),
// used by redis-cli and redis-benchmark from the host's loopback. Skipped, with the reason, where
// the machine has no `-netdev user`.
import { fileURLToPath } from 'node:url';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../httpreply/test/support/nginx';
import { run } from '../../httpreply/test/support/run';
import {
  bootOnUser,
  type NetdevGuest,
  userNetUnavailable,
} from '../../httpreply/test/support/tap-guest';

const skip = userNetUnavailable();
if (skip) console.log(`[skip] kvstore -netdev user test: ${skip}`);

describe.skipIf(skip !== null)('kvstore through -netdev user (host loopback → hostfwd)', () => {
  let g: NetdevGuest;
  let port: number;
  beforeAll(async () => {
    const image = loadImage(
      (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
    );
    port = await freePort();
    g = await bootOnUser(image, port, 7000, 'kvstore.port=7000', /kvstore: ready on /); // boot parameter
  }, 120_000);
  afterAll(async () => {
    const exit = await g?.stop();
    if (exit) expect(exit.status, g.out()).toBe(0);
  });

  const cli = (...a: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...a]);

  it('a scripted redis-cli session', async () => {
    expect((await cli('PING')).stdout).toBe('PONG\n');
    expect((await cli('SET', 'k', 'v', 'EX', '100')).stdout).toBe('OK\n');
    expect((await cli('GET', 'k')).stdout).toBe('v\n');
    expect((await cli('TTL', 'k')).stdout).toMatch(/^(99|100)\n$/);
    expect((await cli('APPEND', 'k', 'w')).stdout).toBe('2\n');
    expect((await cli('DEL', 'k', 'nope')).stdout).toBe('1\n');
    expect((await cli('DBSIZE')).stdout).toBe('0\n');
  });

  it('redis-benchmark (small -n, -P 16 and without) completes', async () => {
    for (const p of ['1', '16']) {
      const r = await run(
        'redis-benchmark',
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-n',
          '2000',
          '-c',
          '10',
          '-P',
          p,
          '-t',
          'get,set',
          '-q',
        ],
        60_000,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/GET: [\d.]+ requests per second/);
    }
  }, 130_000);
});
