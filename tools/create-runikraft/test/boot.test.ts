// Scaffolds boot: the helloworld and http apps run on the machine through the real rk bin, and an app
// that selects a scaffolded rkalloc component boots with it. The scaffolds live under
// tools/create-runikraft/.rk/ so that their @runikraft/* imports resolve from this package's
// node_modules, as they would from a user's after `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRk, rkBin } from '../../rk/test/helpers/rk-bin';
import { scaffold } from '../src/scaffold';
import { appTemplate, componentTemplate } from '../src/templates';

const work = join(__dirname, '..', '.rk', `boot-${process.pid}`);
mkdirSync(work, { recursive: true });
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  cleanupRk();
});

const rk = async (args: string[], cwd: string) =>
  spawnSync(process.execPath, [await rkBin(), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('scaffolds boot', { timeout: 180_000 }, () => {
  it('helloworld', async () => {
    const { dir } = scaffold(appTemplate('helloworld')!, join(work, 'hello'));
    const r = await rk(['run', '--clock', 'virtual', '-append', '-- a b'], dir);
    expect(r.stdout).toContain('app: hello 0.1.0\n');
    expect(r.stdout).toMatch(/Hello, world!\nArguments: a b\nFree memory: [1-9]\d+ bytes\n/);
    expect(r.status).toBe(0);
  });

  it('an app that selects a scaffolded rkalloc component', async () => {
    const comp = scaffold(componentTemplate('rkalloc')!, join(work, 'my-alloc'));
    const app = scaffold(appTemplate('helloworld')!, join(work, 'app'));
    mkdirSync(join(app.dir, 'node_modules'));
    symlinkSync(comp.dir, join(app.dir, 'node_modules', 'my-alloc'));
    const pkg = JSON.parse(readFileSync(join(app.dir, 'package.json'), 'utf8'));
    pkg.dependencies['my-alloc'] = 'file:../my-alloc';
    pkg.runikraft.select = { rkalloc: 'my-alloc' };
    writeFileSync(join(app.dir, 'package.json'), JSON.stringify(pkg));
    const r = await rk(['run', '--clock', 'virtual'], app.dir);
    expect(r.stdout).toMatch(/^libraries: .*\bmy-alloc@0\.1\.0\b/m);
    expect(r.stdout).not.toContain('rkalloc-tlsf@');
    expect(r.stdout).toContain('Hello, world!');
    expect(r.status, r.stderr).toBe(0);
  });

  // A helloworld app with its main replaced, depending on a scaffolded component (and `deps`).
  async function bootWith(
    iface: string,
    main: string,
    opts: {
      deps?: string[];
      select?: boolean;
      append?: string;
      params?: Record<string, string | number>;
      machine?: Record<string, unknown>;
    } = {},
  ) {
    const name = `my-${iface}`;
    const comp = scaffold(componentTemplate(iface)!, join(work, name));
    const app = scaffold(appTemplate('helloworld')!, join(work, `app-${iface}`));
    mkdirSync(join(app.dir, 'node_modules'));
    symlinkSync(comp.dir, join(app.dir, 'node_modules', name));
    const pkg = JSON.parse(readFileSync(join(app.dir, 'package.json'), 'utf8'));
    pkg.dependencies[name] = `file:../${name}`;
    for (const d of opts.deps ?? []) pkg.dependencies[d] = '*';
    if (opts.select) pkg.runikraft.select = { [iface]: name };
    if (opts.params) pkg.runikraft.params = opts.params;
    Object.assign(pkg.runikraft.machine, opts.machine);
    writeFileSync(join(app.dir, 'package.json'), JSON.stringify(pkg));
    writeFileSync(join(app.dir, 'src', 'main.ts'), main);
    const args = ['run', '--clock', 'virtual', ...(opts.append ? ['-append', opts.append] : [])];
    const r = await rk(args, app.dir);
    expect(r.stdout, r.stderr).toMatch(new RegExp(`^libraries: .*\\b${name}@0\\.1\\.0\\b`, 'm'));
    return r;
  }

  it('an app on a scaffolded rksched policy: two threads yielding alternate', async () => {
    const r = await bootWith(
      'rksched',
      `import type { RkMainArgs } from '@runikraft/rkboot';
import { getSched } from '@runikraft/rksched';

export default async function main({ registry, plat }: RkMainArgs): Promise<number> {
  const sched = getSched(registry);
  const order: string[] = [];
  const worker = (name: string) => async () => {
    for (let i = 0; i < 3; i++) {
      order.push(name + i);
      await sched.yield();
    }
  };
  const a = sched.spawn('a', worker('a'));
  const b = sched.spawn('b', worker('b'));
  await sched.join(a);
  await sched.join(b);
  plat.console.out(sched.policy + ': ' + order.join(' ') + '\\n');
  return 0;
}
`,
      { deps: ['@runikraft/rksched'], select: true },
    );
    expect(r.stdout).not.toContain('rksched-rr@');
    expect(r.stdout).toContain('my-rksched: a0 b0 a1 b1 a2 b2\n');
    expect(r.status, r.stderr).toBe(0);
  });

  it('an app with a scaffolded rkblkdev driver: a RAM disk sized by its boot parameter', async () => {
    const r = await bootWith(
      'rkblkdev',
      `import type { RkMainArgs } from '@runikraft/rkboot';

export default async function main({ registry, plat }: RkMainArgs): Promise<number> {
  const disk = registry.get('rkblkdev').all().find((d) => d.name === 'my-rkblkdev0');
  if (!disk) return 1;
  const { sectors, sectorSize } = disk.info();
  const phys = plat.memory.phys;
  const buf = registry.get('rkalloc').default.palloc(1);
  const at = buf - phys.base;
  phys.u8.fill(0x5a, at, at + 4096);
  const w = await disk.write(sectors - 8, 8, buf);
  phys.u8.fill(0, at, at + 4096);
  const rd = await disk.read(sectors - 8, 8, buf);
  const same = phys.u8.subarray(at, at + 4096).every((b) => b === 0x5a);
  const beyond = await disk.read(sectors - 7, 8, buf);
  plat.console.out(
    disk.name + ': ' + sectors + ' x ' + sectorSize + ', write ' + w + ', read ' + rd +
      (same ? ', same data' : ', data differs') + ', past the end ' + beyond + '\\n',
  );
  return same ? 0 : 1;
}
`,
      { deps: ['@runikraft/rkblkdev'], append: 'my-rkblkdev.size_kib=64 --' },
    );
    expect(r.stdout).toContain(
      'my-rkblkdev0: 128 x 512, write 0, read 0, same data, past the end -22\n',
    );
    expect(r.status, r.stderr).toBe(0);
  });

  it('an app with a scaffolded rknetdev driver: a frame sent comes back on the looped wire', async () => {
    const r = await bootWith(
      'rknetdev',
      `import type { RkMainArgs } from '@runikraft/rkboot';
import { netbufRead, netbufWrite, RkNetbufPool } from '@runikraft/rknetdev';

export default function main({ registry, plat }: RkMainArgs): number {
  const dev = registry.get('rknetdev').all().find((d) => d.name === 'my-rknetdev0');
  if (!dev) return 1;
  const phys = plat.memory.phys;
  const pool = new RkNetbufPool(phys, registry.get('rkalloc').default.palloc(16), 32, 2048, 0);
  dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
  dev.rxqConfigure(0, 8, { allocRx: (n) => pool.allocBurst(n) });
  dev.txqConfigure(0, 0);
  dev.start();
  const frame = new Uint8Array(100).fill(7);
  frame.fill(0xff, 0, 6);
  frame.set(dev.hwaddr(), 6);
  const nb = pool.alloc();
  if (!nb || !netbufWrite(phys, nb, frame)) return 1;
  const tx = dev.txOne(0, nb);
  const rx = dev.rxOne(0);
  const got = rx.pkt ? netbufRead(phys, rx.pkt) : new Uint8Array(0);
  const same = got.length === frame.length && got.every((b, i) => b === frame[i]);
  const mac = [...dev.hwaddr()].map((b) => b.toString(16).padStart(2, '0')).join(':');
  plat.console.out(
    dev.name + ' ' + mac + ': sent ' + (tx >= 0 ? 'ok' : tx) + ', received ' + got.length +
      ' bytes' + (same ? ', same frame' : '') + ', tx ' + dev.stats.txPackets + ' rx ' +
      dev.stats.rxPackets + '\\n',
  );
  return same ? 0 : 1;
}
`,
      { deps: ['@runikraft/rknetdev'] },
    );
    expect(r.stdout).toContain(
      'my-rknetdev0 02:52:4b:00:00:01: sent ok, received 100 bytes, same frame, tx 1 rx 1\n',
    );
    expect(r.status, r.stderr).toBe(0);
  });

  it('an app on a scaffolded vfscore file system: root and an fstab mount, files written and read', async () => {
    const r = await bootWith(
      'vfscore',
      `import type { RkMainArgs } from '@runikraft/rkboot';
import { O_CREAT, O_RDONLY, O_WRONLY } from '@runikraft/vfscore';

export default async function main({ registry, plat }: RkMainArgs): Promise<number> {
  const vfs = registry.get('vfscore');
  const say = (s: string) => plat.console.out(s + '\\n');
  for (const m of vfs.mounts()) say('mount ' + m.target + ' ' + m.type + ' ' + (m.options || '-'));
  const text = new TextEncoder().encode('written on my-vfscore\\n');
  const fd = await vfs.open('/data/note.txt', O_CREAT | O_WRONLY, 0o644);
  const w = await vfs.write(fd, text);
  await vfs.close(fd);
  const back = new Uint8Array(64);
  const rd = await vfs.open('/data/note.txt', O_RDONLY);
  const n = await vfs.read(rd, back);
  await vfs.close(rd);
  say('wrote ' + w + ', read ' + n + ': ' + new TextDecoder().decode(back.subarray(0, n)).trim());
  // /data holds 8 KiB (size=8k): the third 4 KiB write is short or refused
  const big = await vfs.open('/data/big', O_CREAT | O_WRONLY, 0o644);
  const counts: number[] = [];
  for (let i = 0; i < 3; i++) counts.push(await vfs.write(big, new Uint8Array(4096)));
  await vfs.close(big);
  say('filling /data: ' + counts.join(' '));
  const st = await vfs.stat('/data/note.txt');
  const root = await vfs.mkdir('/etc', 0o755);
  say('stat size ' + (typeof st === 'number' ? st : st.size) + ', mkdir /etc on the root ' + root);
  return 0;
}
`,
      {
        deps: ['@runikraft/vfscore'],
        params: { 'vfs.rootfs': 'my-vfscore', 'vfs.fstab': 'none:/data:my-vfscore:0:size=8k:mkmp' },
      },
    );
    expect(r.stdout).toContain('mount / my-vfscore -\nmount /data my-vfscore size=8k\n');
    expect(r.stdout).toContain('wrote 22, read 22: written on my-vfscore\n');
    expect(r.stdout).toContain('filling /data: 4096 4074 -28\n');
    expect(r.stdout).toContain('stat size 22, mkdir /etc on the root 0\n');
    expect(r.status, r.stderr).toBe(0);
  });

  it('an app on a scaffolded rkpci host bridge: it enumerates the controller, rkpci leaves it, virtio binds', async () => {
    const r = await bootWith(
      'rkpci',
      `import type { RkMainArgs } from '@runikraft/rkboot';
import { ConfigAccess } from 'my-rkpci';

export default function main({ registry, plat }: RkMainArgs): number {
  const pci = registry.get('rkpci');
  for (const hb of pci.hostBridges()) {
    const mine = hb.cfg instanceof ConfigAccess;
    plat.console.out('bridge ' + hb.name + ': ' + (mine ? 'my-rkpci, ' + hb.cfg.reads + ' config reads' : 'rkpci') + '\\n');
  }
  for (const d of pci.devices())
    plat.console.out(d.name + ' ' + d.vendorId.toString(16) + ':' + d.deviceId.toString(16) + ' driver ' + (d.driver ?? '-') + '\\n');
  return 0;
}
`,
      { deps: ['@runikraft/rkpci', '@runikraft/virtio'], machine: { device: ['virtio-rng-pci'] } },
    );
    expect(r.stdout).toContain('my-rkpci: /soc/pci@30000000: domain 0, buses 0-255, 2 functions\n');
    // one bridge for the controller: rkpci's own ECAM scan left the node to the scaffold's bridge
    expect(r.stdout.match(/^bridge .*$/gm)).toEqual([
      expect.stringMatching(/^bridge \/soc\/pci@30000000: my-rkpci, \d+ config reads$/),
    ]);
    expect(r.stdout).not.toMatch(/^pci: .*functions enumerated/m);
    expect(r.stdout).toContain(
      '0000:00:00.0 1b36:8 driver -\n0000:00:01.0 1af4:1005 driver virtio-pci\n',
    );
    expect(r.status, r.stderr).toBe(0);
  });

  it('http: serves a page through the forwarded port, then Ctrl-C powers off', async () => {
    const { dir } = scaffold(appTemplate('http')!, join(work, 'web'));
    // The template's default: the address in runikraft.params is the hostfwd rule's host end.
    const rk = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).runikraft;
    expect(rk.machine.netdev).toEqual(['user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80']);
    expect(rk.params).toEqual({ 'web.url': 'http://localhost:8080/' });
    const port = await freePort();
    const c = spawn(
      process.execPath,
      [
        await rkBin(),
        'run',
        '-netdev',
        `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${port}-:80`,
        '-append',
        `web.url=http://localhost:${port}/ --`,
      ],
      { cwd: dir },
    );
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 600 && !out.includes('web: serving on'); i++) {
        if (c.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toContain(`web: serving on http://localhost:${port}/ (Ctrl-C stops)`);
      const get = (path: string) =>
        spawnSync('curl', ['-s', '-w', ' %{http_code}', `http://127.0.0.1:${port}${path}`], {
          encoding: 'utf8',
          timeout: 10_000,
        }).stdout;
      expect(get('/')).toBe('Hello from web, a Runikraft unikernel!\n 200');
      expect(get('/nope')).toBe('no page at /nope\n 404');
      c.kill('SIGINT');
      expect(await exited, out).toBe(0);
    } finally {
      if (c.exitCode === null) c.kill('SIGKILL');
    }
  }, 120_000);
});
