// rust-net (Rust std::net on a preopened listener, run by libc-shim over rknet) booted on the
// machine behind `-netdev user,hostfwd=tcp:127.0.0.1:PORT-:7000,restrict=on`: a real TCP client on
// the host's loopback (Node's net, over Linux's stack and slirp) talks the word-count protocol over
// two connections, then asks it to quit; the program writes and reads back a file, prints it and
// exits 0. Skipped, with the reason, where the machine has no `-netdev user`.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../httpreply/test/support/nginx';
import {
  bootOnUser,
  type NetdevGuest,
  userNetUnavailable,
} from '../../httpreply/test/support/tap-guest';

const skip = userNetUnavailable();
if (skip) console.log(`[skip] rust-net -netdev user test: ${skip}`);

/** One connection: sends `lines`, reads until `expectLines` answer lines arrived (or 10 s). */
function session(port: number, lines: string[], expectLines: number): Promise<string[]> {
  return new Promise((resolve) => {
    let data = '';
    const s = connect({ host: '127.0.0.1', port });
    const done = () => {
      s.destroy();
      resolve(data.split('\n').filter(Boolean));
    };
    s.setTimeout(10_000, done);
    s.on('connect', () => s.write(lines.map((l) => `${l}\n`).join('')));
    s.on('data', (d) => {
      data += d;
      if (data.split('\n').filter(Boolean).length >= expectLines) done();
    });
    s.on('error', done);
    s.on('close', done);
  });
}

describe.skipIf(skip !== null)('rust-net through -netdev user', () => {
  let g: NetdevGuest;
  let port: number;
  beforeAll(async () => {
    const image = loadImage(
      (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
    );
    port = await freePort();
    g = await bootOnUser(
      image,
      port,
      7000,
      'netdev.ip=10.0.2.15/24:10.0.2.2',
      /rust-net: listening on fd \d+/,
    );
  }, 300_000);
  afterAll(async () => {
    await g?.stop();
  });

  it('is handed the listener after the preopened directory (fd 4) and says so', () => {
    expect(g.out()).toContain('rust-net: listening on fd 4\n');
  });

  it('counts words across two connections, keeps state, then writes, reads back and exits 0', async () => {
    expect(await session(port, ['apple', 'pear', 'apple'], 3)).toEqual([
      'apple 1',
      'pear 1',
      'apple 2',
    ]);
    expect(await session(port, ['pear', 'stats'], 2)).toEqual([
      'pear 2',
      expect.stringMatching(/^words 2 uptime-ms \d+$/),
    ]);
    expect(await session(port, ['quit'], 1)).toEqual(['bye']);
    for (let i = 0; i < 100 && !g.out().includes('rust-net: done'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(g.out()).toContain('rust-net: counts\napple 2\npear 2\nrust-net: done\n');
  }, 60_000);
});
