// c-httpd booted on the machine, served to Linux's own TCP/IP stack through TAP in a network
// namespace the test creates and removes (root only; skipped with the reason elsewhere): curl with
// keep-alive and a bounded wrk run from inside the namespace.
import { fileURLToPath } from 'node:url';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootOnTap,
  type TapGuest,
  tapGuestUnavailable,
} from '../../httpreply/test/support/tap-guest';

const skip = tapGuestUnavailable(['curl', 'wrk']);
if (skip) console.log(`[skip] c-httpd TAP test: ${skip}`);

describe.skipIf(skip !== null)('c-httpd through TAP (Linux as the client)', () => {
  let g: TapGuest;
  beforeAll(async () => {
    const image = loadImage(
      (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
    );
    g = await bootOnTap(image, 'ch', '-- 80', /c-httpd: serving on port 80/);
  }, 180_000);
  afterAll(async () => {
    const exit = await g?.stop();
    if (exit) expect(exit.status, g.out()).toBe(0);
  });

  it('curl gets the 612-byte page three times over one connection', async () => {
    const url = `http://${g.guestIp}/`;
    const each = ['-o', '/dev/null', url];
    const fmt = '%{http_code} %{size_download} %{num_connects}\\n';
    const r = await g.run('curl', ['-s', '-w', fmt, ...each, ...each, ...each]);
    expect(r.stdout).toBe('200 612 1\n200 612 0\n200 612 0\n');
  });

  it('a bounded wrk run (16 connections, 2 s) completes with only 200s and no socket errors', async () => {
    const r = await g.run('wrk', ['-t2', '-c16', '-d2s', `http://${g.guestIp}/`], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0)).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/Non-2xx|Socket errors/);
  }, 40_000);
});
