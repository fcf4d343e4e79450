// httpreply booted on the machine, served to Linux's own TCP/IP stack through TAP in a network
// namespace (root only; skipped with the reason elsewhere): curl with and without keep-alive,
// HTTP/1.0, HEAD, a 404, a bounded wrk run.
import { fileURLToPath } from 'node:url';
import { type GuestImage, loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootOnTap, type TapGuest, tapGuestUnavailable } from './support/tap-guest';

const skip = tapGuestUnavailable(['curl', 'wrk']);
if (skip) console.log(`[skip] httpreply TAP test: ${skip}`);

describe.skipIf(skip !== null)('httpreply through TAP (Linux as the client)', () => {
  let image: GuestImage;
  let g: TapGuest;
  beforeAll(async () => {
    image = loadImage((await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath);
    g = await bootOnTap(image, 'hr', '--', /httpreply: serving on http:\/\/[\d.]+\//);
  }, 120_000);
  afterAll(async () => {
    const exit = await g?.stop();
    if (exit) expect(exit.status, g.out()).toBe(0);
  });

  it('prints where it serves', () => {
    expect(g.out()).toContain(`httpreply: serving on http://${g.guestIp}/`);
  });

  it('curl gets the 612-byte page, with keep-alive reusing one connection', async () => {
    const url = `http://${g.guestIp}/`;
    const each = ['-o', '/dev/null', url];
    const fmt = '%{http_code} %{size_download} %{num_connects}\\n';
    const r = await g.run('curl', ['-s', '-w', fmt, ...each, ...each, ...each]);
    expect(r.stdout).toBe('200 612 1\n200 612 0\n200 612 0\n');
  });

  it('curl without keep-alive, HTTP/1.0, HEAD and a 404', async () => {
    const url = `http://${g.guestIp}/`;
    const close = await g.run('curl', ['-s', '-i', '-H', 'Connection: close', url]);
    expect(close.stdout).toMatch(
      /^HTTP\/1\.1 200 OK\r\nServer: httpreply\r\n[\s\S]*Connection: close\r\n/,
    );
    const old = await g.run('curl', ['-s', '-0', '-i', url]);
    expect(old.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 612\r\n/);
    const head = await g.run('curl', ['-s', '-I', url]);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
    const missing = await g.run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${url}nope`,
    ]);
    expect(missing.stdout).toBe('404');
  });

  it('a bounded wrk run completes with only 200s and no socket errors', async () => {
    const r = await g.run('wrk', ['-t1', '-c8', '-d2s', `http://${g.guestIp}/`], 30_000);
    expect(r.code, r.stderr).toBe(0);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0);
    expect(rps).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/Non-2xx|Socket errors/);
  }, 40_000);
});
