// c-httpd (a C program using BSD sockets, run by libc-shim over rknet) booted on the machine behind
// `-netdev user,hostfwd=tcp:127.0.0.1:PORT-:8080,restrict=on`: real curl (keep-alive, close,
// HTTP/1.0, HEAD, 404, pipelining) and a bounded wrk run from the host's loopback. Skipped, with
// the reason, where the machine has no `-netdev user`.
import { connect } from 'node:net';
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
if (skip) console.log(`[skip] c-httpd -netdev user test: ${skip}`);

describe.skipIf(skip !== null)('c-httpd through -netdev user (host loopback → hostfwd)', () => {
  let g: NetdevGuest;
  let url: string;
  beforeAll(async () => {
    const image = loadImage(
      (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    // slirp forwards to 10.0.2.15; a static address saves waiting for DHCP.
    g = await bootOnUser(
      image,
      port,
      8080,
      'netdev.ip=10.0.2.15/24:10.0.2.2 -- 8080',
      /c-httpd: serving on port 8080/,
    );
  }, 180_000);
  afterAll(async () => {
    const exit = await g?.stop();
    if (exit) expect(exit.status, g.out()).toBe(0);
  });

  it('curl: the 612-byte page twice on one connection (keep-alive), then close, HTTP/1.0, HEAD, 404', async () => {
    const each = ['-o', '/dev/null', url];
    const fmt = '%{http_code} %{size_download} %{num_connects}\\n';
    expect((await run('curl', ['-s', '-w', fmt, ...each, ...each])).stdout).toBe(
      '200 612 1\n200 612 0\n',
    );
    const body = await run('curl', ['-s', url]);
    expect(body.stdout).toMatch(/^<!DOCTYPE html>[\s\S]*Welcome to c-httpd![\s\S]*<\/html>\n$/);
    const close = await run('curl', ['-s', '-i', '-H', 'Connection: close', url]);
    expect(close.stdout).toMatch(
      /^HTTP\/1\.1 200 OK\r\nServer: c-httpd\r\n[\s\S]*Connection: close\r\n\r\n<!DOCTYPE html>/,
    );
    const old = await run('curl', ['-s', '-0', '-i', url]);
    expect(old.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 612\r\n/);
    expect((await run('curl', ['-s', '-I', url])).stdout).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 612\r\n[\s\S]*\r\n\r\n$/,
    );
    expect(
      (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${url}nope`])).stdout,
    ).toBe('404');
  });

  it('answers three pipelined requests in order on one connection', async () => {
    const { port } = new URL(url);
    const got = await new Promise<string>((resolve) => {
      let data = '';
      const s = connect({ host: '127.0.0.1', port: Number(port) });
      s.setTimeout(5_000, () => s.destroy());
      const req = (p: string, last = false) =>
        `GET ${p} HTTP/1.1\r\nHost: x\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
      s.on('connect', () => s.write(req('/') + req('/missing') + req('/index.html', true)));
      s.on('data', (d) => (data += d));
      s.on('error', () => {});
      s.on('close', () => resolve(data));
    });
    const statuses = [...got.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '404', '200']);
  });

  it('a bounded wrk run (8 connections, 2 s) completes with only 200s and no socket errors', async () => {
    const r = await run('wrk', ['-t1', '-c8', '-d2s', url], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0)).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/Non-2xx|Socket errors/);
  }, 40_000);
});
