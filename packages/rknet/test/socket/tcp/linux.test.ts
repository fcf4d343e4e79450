// rknet's TCP engine against Linux's own TCP: a TUN device in a network namespace created here,
// bridged by socat to a UDP socket of linux-peer.ts (one IPv4 packet per datagram). Linux is the
// client (curl, a Python uploader) and the server (a Python server); 100 MB each way by hash.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function missing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, TUN)';
  for (const tool of ['ip', 'socat', 'curl', 'python3'])
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  return null;
}
const why = missing();
if (why) console.log(`linux.test.ts skipped: ${why}`);

const NS = `rktcp${process.pid}`;
const P_DRIVER = 40000 + (process.pid % 10000);
const P_SOCAT = P_DRIVER + 1;
const MB = 1 << 20;
const BIG = 100 * MB;
const procs: ChildProcess[] = [];
let dir = '';
let bundle = '';

const inNs = (cmd: string, timeout = 120_000) =>
  execFileSync('ip', ['netns', 'exec', NS, 'sh', '-c', cmd], { timeout, encoding: 'utf8' });

/** Starts a process in the namespace; resolves its JSON stdout lines through `lines`. */
function startInNs(args: string[]): { proc: ChildProcess; next: () => Promise<any> } {
  const proc = spawn('ip', ['netns', 'exec', NS, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  procs.push(proc);
  const queue: any[] = [];
  const waiters: ((v: any) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    let v: any;
    try {
      v = JSON.parse(l);
    } catch {
      return;
    }
    const w = waiters.shift();
    if (w) w(v);
    else queue.push(v);
  });
  return {
    proc,
    next: () =>
      queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)),
  };
}

/** sha256 of n bytes of the repeating block linux-peer.ts and the Python peers send. */
function patternSha(n: number): string {
  const block = new Uint8Array(65536).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
  const h = createHash('sha256');
  for (let left = n; left > 0; left -= block.length)
    h.update(block.subarray(0, Math.min(left, block.length)));
  return h.digest('hex');
}

const PY_BLOCK = 'b=bytes(((i*7+(i>>8))&255) for i in range(65536))';

describe.skipIf(why !== null)('tcp against Linux through TUN in a network namespace', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rktcp-'));
    bundle = join(dir, 'peer.mjs');
    await build({
      entryPoints: [join(__dirname, 'linux-peer.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@runikraft/source'],
      logLevel: 'warning',
    });
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    startInNs([
      'socat',
      '-b',
      '70000',
      'TUN:10.99.0.1/24,tun-type=tun,iff-no-pi,iff-up,tun-name=rktun0',
      `UDP-DATAGRAM:127.0.0.1:${P_DRIVER},bind=127.0.0.1:${P_SOCAT}`,
    ]);
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('ip', ['-n', NS, 'addr', 'show', 'rktun0'], { stdio: 'ignore' });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }, 60_000);

  afterAll(() => {
    for (const p of procs) p.kill('SIGKILL');
    try {
      execFileSync('ip', ['netns', 'del', NS]);
    } catch {}
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Linux as the client: curl downloads, a Python client uploads, 100 MB each way by hash', async () => {
    const peer = startInNs(['node', bundle, 'serve', String(P_DRIVER), String(P_SOCAT)]);
    expect(await peer.next()).toEqual({ ready: true });
    expect(inNs('curl -s --max-time 20 http://10.99.0.2/612 | wc -c').trim()).toBe('612');
    const down = inNs(`curl -s --max-time 100 http://10.99.0.2/${BIG} | sha256sum`).split(' ')[0];
    expect(down).toBe(patternSha(BIG));
    const up = inNs(
      `python3 -c "
import socket,hashlib
${PY_BLOCK}
s=socket.create_connection(('10.99.0.2',81));h=hashlib.sha256();n=${BIG}
while n>0:
  k=min(n,len(b));s.sendall(b[:k]);h.update(b[:k]);n-=k
s.shutdown(socket.SHUT_WR);print(h.hexdigest(),s.makefile().readline().strip())
"`,
    ).trim();
    const [sent, echoed] = up.split(' ');
    expect(echoed).toBe(sent);
    const sink = await peer.next();
    expect(sink.bytes).toBe(BIG);
    // Linux offered and we accepted timestamps, SACK and window scaling; MSS from the TUN MTU.
    expect(sink.options).toMatchObject({ ts: true, sack: true, mss: 1460 });
    expect(sink.options.wscale).toBeGreaterThan(0);
    peer.proc.kill('SIGKILL');
  }, 300_000);

  it('Linux as the server: rknet connects out, 100 MB each way by hash', async () => {
    const server = startInNs([
      'python3',
      '-c',
      `
import socket,hashlib,threading,json
${PY_BLOCK}
l=socket.socket();l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);l.bind(('10.99.0.1',9000));l.listen(1)
print(json.dumps({'ready':True}),flush=True)
c,_=l.accept();r={'n':0};h=hashlib.sha256()
def rx():
  while True:
    d=c.recv(1<<16)
    if not d: break
    h.update(d);r['n']+=len(d)
t=threading.Thread(target=rx);t.start();hs=hashlib.sha256();n=${BIG}
while n>0:
  k=min(n,len(b));c.sendall(b[:k]);hs.update(b[:k]);n-=k
c.shutdown(socket.SHUT_WR);t.join();print(json.dumps({'received':r['n'],'receivedSha':h.hexdigest(),'sentSha':hs.hexdigest()}),flush=True)
`,
    ]);
    expect(await server.next()).toEqual({ ready: true });
    const client = startInNs([
      'node',
      bundle,
      'connect',
      String(P_DRIVER),
      String(P_SOCAT),
      '9000',
      String(BIG),
    ]);
    expect(await client.next()).toEqual({ ready: true });
    const ours = await client.next();
    const theirs = await server.next();
    expect(ours.received).toBe(BIG);
    expect(theirs.received).toBe(BIG);
    expect(ours.receivedSha).toBe(theirs.sentSha);
    expect(theirs.receivedSha).toBe(ours.sentSha);
  }, 300_000);
});
