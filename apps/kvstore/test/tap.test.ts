// kvstore booted on the machine, used by redis-cli and redis-benchmark through TAP in a network
// namespace (root only; skipped with the reason elsewhere).
import { fileURLToPath } from 'node:url';
import { type GuestImage, loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootOnTap,
  type TapGuest,
  tapGuestUnavailable,
} from '../../httpreply/test/support/tap-guest';

const skip = tapGuestUnavailable(['redis-cli', 'redis-benchmark']);
if (skip) console.log(`[skip] kvstore TAP test: ${skip}`);

describe.skipIf(skip !== null)('kvstore through TAP (redis-cli, redis-benchmark)', () => {
  let g: TapGuest;
  beforeAll(async () => {
    const image: GuestImage = loadImage(
      (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
    );
    g = await bootOnTap(image, 'kv', '--', /kvstore: ready on /);
  }, 120_000);
  afterAll(async () => {
    const exit = await g?.stop();
    if (exit) expect(exit.status, g.out()).toBe(0);
  });

  const cli = (...args: string[]) => g.run('redis-cli', ['-h', g.guestIp, ...args]);

  it('a scripted redis-cli session', async () => {
    expect((await cli('PING')).stdout).toBe('PONG\n');
    expect((await cli('SET', 'greeting', 'hello world')).stdout).toBe('OK\n');
    expect((await cli('GET', 'greeting')).stdout).toBe('hello world\n');
    expect((await cli('INCRBY', 'n', '41')).stdout).toBe('41\n');
    expect((await cli('INCR', 'n')).stdout).toBe('42\n');
    expect((await cli('EXPIRE', 'greeting', '100')).stdout).toBe('1\n');
    expect((await cli('TTL', 'greeting')).stdout).toMatch(/^(99|100)\n$/);
    expect((await cli('MSET', 'a', '1', 'b', '2')).stdout).toBe('OK\n');
    expect((await cli('--no-raw', 'MGET', 'a', 'b', 'zz')).stdout).toBe(
      '1) "1"\n2) "2"\n3) (nil)\n',
    );
    expect((await cli('DBSIZE')).stdout).toBe('4\n');
    expect((await cli('NOSUCH')).stdout).toMatch(/^ERR unknown command 'NOSUCH'/);
    expect((await cli('INFO', 'server')).stdout).toMatch(/redis_version:7\.0\.15/);
    expect(
      (await cli('--scan', '--pattern', '*')).stdout.split('\n').filter(Boolean).sort(),
    ).toEqual(['a', 'b', 'greeting', 'n']);
  });

  it('redis-benchmark (small -n, with and without pipelining) completes', async () => {
    for (const p of ['1', '16']) {
      const r = await g.run(
        'redis-benchmark',
        ['-h', g.guestIp, '-n', '2000', '-c', '10', '-P', p, '-t', 'get,set', '-q'],
        60_000,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/SET: [\d.]+ requests per second/);
      expect(r.stdout).toMatch(/GET: [\d.]+ requests per second/);
    }
  }, 130_000);

  it('a full heap answers OOM and keeps serving (-m 48M)', async () => {
    const image: GuestImage = loadImage(
      (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
    );
    const small = await bootOnTap(image, 'ko', '--', /kvstore: ready on /, 48 << 20);
    try {
      const big = 'v'.repeat(100_000);
      const cli = (...a: string[]) => small.run('redis-cli', ['-h', small.guestIp, ...a], 120_000);
      // 600 SETs of 100 kB (60 MB) into a 48 MiB machine, as commands on redis-cli's stdin
      const fill = `v=$(head -c 100000 /dev/zero | tr '\\0' v); for i in $(seq 600); do echo "SET k$i $v"; done | redis-cli -h ${small.guestIp}`;
      const r = await small.run('sh', ['-c', fill], 120_000);
      const oom = r.stdout.split('\n').filter((l) => l.startsWith('OOM command not allowed'));
      expect(oom.length, r.stdout.slice(0, 300)).toBeGreaterThan(0);
      expect(Number((await cli('DBSIZE')).stdout)).toBeGreaterThan(100);
      expect((await cli('FLUSHALL')).stdout).toBe('OK\n');
      expect((await cli('SET', 'after', big)).stdout).toBe('OK\n');
    } finally {
      const exit = await small.stop();
      expect(exit.status, small.out()).toBe(0);
    }
  }, 180_000);
});
