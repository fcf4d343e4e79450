// tcpecho on rknet against Linux's own TCP through a TAP device in a network namespace the test
// creates and removes (root only; skipped with the reason elsewhere): a Linux client streams
// RK_TCPECHO_MB (default 20; the 100 MB proof: RK_TCPECHO_MB=100) MB through the guest's echo server, then the guest connects out to a
// Linux server that does the same; both directions are checked by SHA-256 on the Linux side.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TapNetBackend,
  tapUnavailableReason,
} from '../../../platforms/qemu-riscv/src/machine/backends/net/tap';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { parseMac, VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';

function why(): string | null {
  const r = tapUnavailableReason();
  if (r) return r;
  try {
    execFileSync('ip', ['netns', 'add', `rkprobe${process.pid}`], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', `rkprobe${process.pid}`], { stdio: 'ignore' });
  } catch (e) {
    return `cannot create network namespaces: ${(e as Error).message}`;
  }
  try {
    execFileSync('which', ['python3'], { stdio: 'ignore' });
  } catch {
    return 'python3 is not installed (apt-get install python3)';
  }
  return null;
}
const skip = why();
if (skip) console.log(`[skip] tcpecho TAP test: ${skip}`);

const MB = Number(process.env.RK_TCPECHO_MB ?? 20);
const BYTES = MB * 1024 * 1024;
const ns = `rktcpe${process.pid}`;
const ifname = `rkt${process.pid % 100000}`;

/** Python peer: streams BYTES to the other side while a thread hashes what comes back. */
const PEER = `
import socket,hashlib,threading,json,sys
mode,host,port,n=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
b=bytes(((i*7+(i>>8))&255) for i in range(65536))
if mode=='server':
  l=socket.socket();l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);l.bind((host,port));l.listen(1)
  print(json.dumps({'ready':True}),flush=True);s,_=l.accept()
else:
  s=socket.create_connection((host,port))
s.settimeout(120);r={'n':0};h=hashlib.sha256()
def rx():
  while True:
    d=s.recv(1<<16)
    if not d: break
    h.update(d);r['n']+=len(d)
t=threading.Thread(target=rx);t.start();hs=hashlib.sha256();left=n
while left>0:
  k=min(left,len(b));s.sendall(b[:k]);hs.update(b[:k]);left-=k
s.shutdown(socket.SHUT_WR);t.join()
print(json.dumps({'sent':n,'sentSha':hs.hexdigest(),'received':r['n'],'receivedSha':h.hexdigest()}),flush=True)
`;

/** Runs the Python peer in the namespace; resolves its JSON lines in order. */
function peer(...args: string[]) {
  const p = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', PEER, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: unknown[] = [];
  const waiting: ((v: any) => void)[] = [];
  const deliver = (v: unknown) => {
    const w = waiting.shift();
    if (w) w(v);
    else lines.push(v);
  };
  createInterface({ input: p.stdout! }).on('line', (l) => deliver(JSON.parse(l)));
  p.on('exit', (code) => deliver({ exit: code })); // a crashed peer must not hang the test
  return {
    proc: p,
    next: (): Promise<any> =>
      lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => waiting.push(r)),
  };
}

describe.skipIf(skip !== null)('tcpecho on rknet against Linux through TAP', () => {
  let entry: GuestImage;
  let tap: TapNetBackend | null = null;
  beforeAll(async () => {
    const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
    entry = loadImage(imagePath);
    execFileSync('ip', ['netns', 'add', ns]);
  }, 60_000);
  afterAll(async () => {
    await tap?.close();
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {}
  });

  /** A fresh TAP device in the namespace (a TAP disappears with its file descriptor). */
  async function plugTap(): Promise<TapNetBackend> {
    await tap?.close();
    tap = await TapNetBackend.open('t0', ifname);
    execFileSync('ip', ['link', 'set', ifname, 'netns', ns]);
    execFileSync('ip', ['-n', ns, 'addr', 'add', '10.80.0.1/24', 'dev', ifname]);
    execFileSync('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    return tap;
  }

  function boot(tap: TapNetBackend, args: string, ready: string) {
    let out = '';
    let onReady: () => void = () => {};
    const up = new Promise<void>((r) => (onReady = r));
    const m = new Machine({
      console: (t) => {
        out += t;
        if (process.env.RK_TCPECHO_DEBUG) process.stderr.write(t);
        if (out.includes(ready)) onReady();
      },
      clock: 'host',
      memory: 128 << 20,
      append: `netdev.ip=10.80.0.2/24:10.80.0.1 -- ${args}`,
    });
    m.plugVirtio(new VirtioNet(tap, { mac: parseMac('52:54:00:12:34:70') }));
    const booted = m.boot(entry);
    return { booted, up: Promise.race([up, booted.then(() => {})]), out: () => out };
  }

  it(`Linux connects to the guest's echo server: ${MB} MB each way, SHA-256 equal`, async () => {
    const g = boot(await plugTap(), 'listen=7,1', 'tcpecho: listening on 7');
    await g.up;
    expect(g.out()).toContain('listening on 7');
    const client = peer('client', '10.80.0.2', '7', String(BYTES));
    const r = await client.next();
    const exit = await g.booted;
    expect(r.received, g.out()).toBe(BYTES);
    expect(r.receivedSha).toBe(r.sentSha);
    expect(g.out()).toMatch(new RegExp(`echoed ${BYTES} bytes to 10\\.80\\.0\\.1:`));
    expect(exit.status, g.out()).toBe(0);
  }, 240_000);

  it(`the guest connects out to a Linux server: ${MB} MB each way, SHA-256 equal`, async () => {
    const t = await plugTap();
    const server = peer('server', '10.80.0.1', '9000', String(BYTES));
    expect(await server.next()).toEqual({ ready: true });
    const g = boot(t, 'connect=10.80.0.1:9000', 'connected');
    const r = await server.next();
    const exit = await g.booted;
    expect(r.received, g.out()).toBe(BYTES);
    expect(r.receivedSha).toBe(r.sentSha);
    expect(exit.status, g.out()).toBe(0);
  }, 240_000);
});
