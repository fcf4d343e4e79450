// httpreply booted on the machine behind `-netdev user,hostfwd=tcp:127.0.0.1:PORT-:8080,restrict=on`
// (listening on 8080 by its boot parameter httpreply.port)
// (the guest takes its address by DHCP from the slirp counterpart): curl and a bounded wrk run from
// the host's loopback. Skipped, with the reason, where the machine has no `-netdev user`.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/nginx';
import { run } from './support/run';
import { bootOnUser, type NetdevGuest, userNetUnavailable } from './support/tap-guest';

const skip = userNetUnavailable();
if (skip) console.log(`[skip] httpreply -netdev user test: ${skip}`);

describe.skipIf(skip !== null)('httpreply through -netdev user (host loopback → hostfwd)', () => {
  let g: NetdevGuest;
  let url: string;
  beforeAll(async () => {
    const image = loadImage(
      (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    // Boot parameters, not app arguments: the guest listens on 8080 because httpreply.port says so.
    g = await bootOnUser(
      image,
      port,
      8080,
      `httpreply.port=8080 httpreply.url=${url}`,
      /httpreply: serving on /,
    );
  }, 120_000);
  afterAll(async () => {
    const exit = await g?.stop();
    if (exit) expect(exit.status, g.out()).toBe(0);
  });

  it('took its address by DHCP and prints the forwarded URL', () => {
    expect(g.out()).toContain(`httpreply: serving on ${url}`);
  });

  it('curl: keep-alive on one connection, close, HEAD, 404', async () => {
    const each = ['-o', '/dev/null', url];
    const fmt = '%{http_code} %{size_download} %{num_connects}\\n';
    expect((await run('curl', ['-s', '-w', fmt, ...each, ...each])).stdout).toBe(
      '200 612 1\n200 612 0\n',
    );
    const close = await run('curl', ['-s', '-i', '-H', 'Connection: close', url]);
    expect(close.stdout).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: close\r\n[\s\S]*\r\n\r\n<!DOCTYPE html>/,
    );
    expect((await run('curl', ['-s', '-I', url])).stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(
      (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${url}x`])).stdout,
    ).toBe('404');
  });

  it('a bounded wrk run completes with only 200s and no socket errors', async () => {
    const r = await run('wrk', ['-t1', '-c8', '-d2s', url], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0)).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/Non-2xx|Socket errors/);
  }, 40_000);

  it('a host client reusing its port at once is served every time (the guest holds the tuple in TIME-WAIT)', async () => {
    // httpreply closes first, so each connection leaves a TIME-WAIT record for its 4-tuple in the
    // guest; Linux reuses loopback ports while that record lives (wrk does, run after run). slirp
    // offers no timestamps, so the guest takes the new SYN only if its ISN is past the old one's.
    const { port } = new URL(url);
    const localPort = await freePort();
    const once = () =>
      new Promise<string>((resolve) => {
        let got = '';
        const s = connect({
          host: '127.0.0.1',
          port: Number(port),
          localAddress: '127.0.0.1',
          localPort,
        });
        s.setTimeout(3_000, () => s.destroy());
        s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
        s.on('data', (d) => (got += d));
        s.on('end', () => s.end());
        s.on('error', () => {});
        s.on('close', () => resolve(got.split('\r\n')[0] || 'no answer within 3 s'));
      });
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(`${i}: ${await once()}`);
    expect(lines).toEqual(Array.from({ length: 12 }, (_, i) => `${i}: HTTP/1.1 200 OK`));
  }, 60_000);
});
