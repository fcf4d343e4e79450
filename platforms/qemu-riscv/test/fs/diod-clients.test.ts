// Our 9P server against diod's own 9P2000.L clients (diodcat, diodls from Debian's diod package)
// through the socket front: they version, auth (refused), attach, walk, getattr, readdir, lopen,
// read and clunk as a real client does.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P9Server } from '../../src/machine/backends/fs/server';
import { listenP9 } from '../../src/machine/backends/fs/socket';

const missing = ['diodcat', 'diodls'].find(
  (t) => spawnSync('sh', ['-c', `command -v ${t} || test -x /usr/sbin/${t}`]).status !== 0,
);
if (missing) console.log(`[skip] diod clients: ${missing} is not installed (Debian package diod)`);
const bin = (t: string) =>
  spawnSync('sh', ['-c', `command -v ${t}`]).status === 0 ? t : `/usr/sbin/${t}`;

function run(cmd: string, args: string[]): Promise<{ code: number; out: Buffer; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(bin(cmd), args);
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill(), 10_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out: Buffer.concat(out), err });
    });
  });
}

describe.skipIf(missing !== undefined)('9P server vs diodcat / diodls', () => {
  let dir: string;
  let share: string;
  let server: P9Server;
  let close: () => Promise<void>;
  let addr: string;
  let sockPath: string;
  let closeUnix: () => Promise<void>;
  const big = randomBytes(300_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rk-p9-diod-'));
    share = join(dir, 'share');
    mkdirSync(join(share, 'sub'), { recursive: true });
    writeFileSync(join(share, 'hello.txt'), 'hello from the share\n');
    writeFileSync(join(share, 'big.bin'), big);
    writeFileSync(join(share, 'sub', 'in.txt'), 'inside\n');
    writeFileSync(join(dir, 'secret'), 'outside the share\n');
    symlinkSync('../secret', join(share, 'escape'));
    symlinkSync(join(dir, 'secret'), join(share, 'abs-escape'));
    server = new P9Server({ root: share });
    ({ address: addr, close } = await listenP9(server, { port: 0 }));
    sockPath = join(dir, 'p9.sock');
    ({ close: closeUnix } = await listenP9(server, { path: sockPath }));
  });
  afterAll(async () => {
    await close?.();
    await closeUnix?.();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('diodcat reads a small and a 300 kB file (several Treads) byte for byte, over TCP', async () => {
    const small = await run('diodcat', ['-s', addr, '-a', '/', 'hello.txt']);
    expect(small.err).toBe('');
    expect(small.code).toBe(0);
    expect(small.out.toString()).toBe('hello from the share\n');
    const r = await run('diodcat', ['-s', addr, '-a', '/', 'big.bin']);
    expect(r.code).toBe(0);
    expect(createHash('sha256').update(r.out).digest('hex')).toBe(
      createHash('sha256').update(big).digest('hex'),
    );
  });

  it('diodcat over a UNIX socket reads a file two levels down', async () => {
    const r = await run('diodcat', ['-s', sockPath, '-a', '/', 'sub/in.txt']);
    expect(r.code).toBe(0);
    expect(r.out.toString()).toBe('inside\n');
  });

  it('diodls lists the root with sizes from Tgetattr', async () => {
    const r = await run('diodls', ['-s', addr, '-a', '/', '-l', '/']);
    expect(r.code).toBe(0);
    const lines = r.out.toString().trim().split('\n');
    const names = lines.map((l) => l.trim().split(/\s+/).pop()).sort();
    expect(names).toEqual(
      ['.', '..', 'abs-escape', 'big.bin', 'escape', 'hello.txt', 'sub'].sort(),
    );
    const bigLine = lines.find((l) => l.endsWith(' big.bin'))!;
    expect(bigLine).toContain('300000');
  });

  it('symlinks pointing outside are not followed: diodcat through them fails, the secret stays unread', async () => {
    for (const name of ['escape', 'abs-escape', 'escape/x']) {
      const r = await run('diodcat', ['-s', addr, '-a', '/', name]);
      expect(r.code, name).not.toBe(0);
      expect(r.out.toString()).not.toContain('outside the share');
    }
    const up = await run('diodcat', ['-s', addr, '-a', '/', '../secret']);
    expect(up.out.toString()).not.toContain('outside the share');
  });
});
