// rust-netd (an unmodified Rust program whose std::net creates its own sockets, through
// Runikraft's std and libc-shim's socket extension) booted on the machine under both suspension
// mechanisms, with virtio-net on a TAP device in a network namespace the test creates and removes
// (root only; skipped with the reason elsewhere). Linux is every peer: curl from the namespace
// reaches TcpListener::bind's listener; Python servers in the namespace answer the program's
// TcpStream::connect and UdpSocket; errors come back as the io::ErrorKind the program printed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasJspi } from '@runikraft/libc-shim';
import { type GuestImage, loadImage, type MachineExit } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootOnTap,
  type TapGuest,
  tapGuestUnavailable,
} from '../../httpreply/test/support/tap-guest';

const skip = tapGuestUnavailable(['curl', 'python3']);
if (skip) console.log(`[skip] rust-netd TAP test: ${skip}`);
const jspi = hasJspi();
if (!jspi) console.log('[skip] rust-netd under JSPI: this Node has no JSPI');

/** A TCP server: one connection, read to EOF, answer in upper case, close. */
const TCP_PEER = `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(20); s.bind(('0.0.0.0', 9000)); s.listen(1); print('ready', flush=True)
c, a = s.accept(); c.settimeout(20); data = b''
while True:
    d = c.recv(100)
    if not d: break
    data += d
c.sendall(data.upper()); c.close(); print('got', a[0], data.decode().strip(), flush=True)
`;
/** A UDP server: one datagram, answered in upper case to its sender. */
const UDP_PEER = `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(20)
s.bind(('0.0.0.0', 9001)); print('ready', flush=True)
d, a = s.recvfrom(2048); s.sendto(d.upper(), a); print('got', a[0], d.decode(), flush=True)
`;

/** Starts a Python peer in the namespace; resolves once it listens. `done` is all it printed. */
async function peer(ns: string, code: string): Promise<{ done: Promise<string> }> {
  const p = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', code]);
  let out = '';
  const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
  const done = new Promise<string>((resolve) =>
    p.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    p.stderr.on('data', (d) => (out += d));
    p.on('close', () => reject(new Error(`peer exited before listening:\n${out}`)));
  });
  return { done };
}

let image: GuestImage;

describe.skipIf(skip !== null)('rust-netd through TAP (Linux as every peer)', () => {
  beforeAll(async () => {
    image = loadImage((await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath);
  }, 300_000);

  for (const suspend of ['asyncify', 'jspi'] as const)
    describe.skipIf(suspend === 'jspi' && !jspi)(suspend, () => {
      let g: TapGuest;
      let host: string;
      let stopped: Promise<MachineExit> | undefined;
      const stop = () => (stopped ??= g.stop());
      const get = async (path: string) => {
        const fmt = '\\n%{http_code}';
        const r = await g.run('curl', [
          '-s',
          '-m',
          '15',
          '-w',
          fmt,
          `http://${g.guestIp}:8080${path}`,
        ]);
        const at = r.stdout.lastIndexOf('\n');
        return { status: Number(r.stdout.slice(at + 1)), body: r.stdout.slice(0, at) };
      };
      beforeAll(async () => {
        g = await bootOnTap(
          image,
          suspend === 'jspi' ? 'rnj' : 'rna',
          `libc.suspend=${suspend} -- 8080`,
          /rust-netd: listening on 0\.0\.0\.0:8080/,
        );
        host = g.guestIp.replace(/\.2$/, '.1');
      }, 120_000);
      afterAll(async () => {
        if (g) await stop();
      });

      it('TcpListener::bind serves curl; accept gives the client address', async () => {
        const r = await get('/');
        expect(r.status).toBe(200);
        expect(r.body).toMatch(new RegExp(`^hello from rust-netd; you are ${host}:\\d+\\n$`));
      });

      it('TcpStream::connect reaches a Linux server: data both ways, half-close, both addresses', async () => {
        const p = await peer(g.ns, TCP_PEER);
        const r = await get(`/tcp/${host}:9000/hello-rust`);
        expect(r.body).toMatch(
          new RegExp(`^tcp ${g.guestIp}:\\d+ -> ${host}:9000: HELLO-RUST\\n$`),
        );
        expect(r.status).toBe(200);
        expect(await p.done).toBe(`ready\ngot ${g.guestIp} hello-rust\n`);
      });

      it('UdpSocket: send_to a Linux peer and recv_from its reply, with its address', async () => {
        const p = await peer(g.ns, UDP_PEER);
        const r = await get(`/udp/${host}:9001/ping`);
        expect(r.body).toBe(`udp reply from ${host}:9001: PING\n`);
        expect(await p.done).toBe(`ready\ngot ${g.guestIp} ping\n`);
      });

      it('errors are the io::ErrorKind Linux would give: AddrInUse, ConnectionRefused', async () => {
        const used = await get('/bind/8080');
        expect(used.status).toBe(502);
        expect(used.body).toMatch(/^bind: AddrInUse: /);
        const free = await get('/bind/8081');
        expect(free.body).toBe('bind: ok Ok(0.0.0.0:8081)\n');
        const refused = await get(`/tcp/${host}:9002/x`);
        expect(refused.status).toBe(502);
        expect(refused.body).toMatch(/^connect: ConnectionRefused: /);
      });

      it('lookup_host resolves localhost through the extension getaddrinfo', async () => {
        expect((await get('/lookup/localhost:80')).body).toBe(
          'lookup localhost:80: 127.0.0.1:80\n',
        );
      });

      it('/quit: the program answers and exits 0', async () => {
        expect((await get('/quit')).body).toBe('bye\n');
        for (let i = 0; i < 100 && !g.out().includes('rust-netd: done'); i++)
          await new Promise((r) => setTimeout(r, 100));
        expect(g.out()).toContain('rust-netd: done\n');
        const exit = await stop();
        expect(exit.status, g.out()).toBe(0);
      });
    });
});
