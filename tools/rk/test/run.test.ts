// End-to-end tests of `rk run` spawning the real bin: helloworld in both boot modes and clocks,
// exit status propagation, -append and package.json defaults, dumpdtb, qtest, rebuild when stale.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMachine } from '../src/machine';
import { machineOptions } from '../src/run-image';
import { cleanupRk, fixtureApp, machineExists, repoRoot, rk, rkBin } from './helpers/rk-bin';

const fixtures = new Map<string, string>();
const fixture = (name: string) =>
  fixtures.get(name) ?? fixtures.set(name, fixtureApp(name)).get(name)!;
afterAll(cleanupRk);
const distBin = join(repoRoot, 'tools/rk/dist/bin.js');
if (!existsSync(distBin)) console.warn('dist/bin.js test skipped: run pnpm build first');
const hasDtc = spawnSync('sh', ['-c', 'command -v dtc']).status === 0;
const tmp = () => mkdtempSync(join(tmpdir(), 'rk-run-'));

/** dtc's source form with the random /chosen/rng-seed masked. */
function dts(blob: Uint8Array): string {
  const dir = tmp();
  writeFileSync(join(dir, 'x.dtb'), blob);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', join(dir, 'x.dtb')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replace(/rng-seed = <[^>]*>;/, 'rng-seed = <masked>;');
}

if (!machineExists)
  console.warn(
    'rk run e2e tests skipped: platforms/qemu-riscv/src/machine/index.ts does not exist yet',
  );

describe.skipIf(!machineExists)('rk run', () => {
  it('boots helloworld in both boot modes and both clocks and exits 0', async () => {
    for (const flags of [
      [],
      ['-bios', 'none'],
      ['--clock', 'virtual'],
      ['-bios', 'none', '--clock', 'virtual'],
    ]) {
      const r = await rk(['run', fixture('helloworld'), ...flags]);
      expect(r.stdout, flags.join(' ')).toContain('Hello, world!');
      expect(r.status, `${flags.join(' ')}\n${r.stderr}`).toBe(0);
    }
  });

  it("exits with the guest's status", async () => {
    const r = await rk(['run', fixture('exit3')]);
    expect(r.stdout).toContain('exit3: returning 3');
    expect(r.status).toBe(3);
  });

  it('passes -append to the app, overriding package.json, and defaults to package.json', async () => {
    const def = await rk(['run', fixture('echo')]);
    expect([def.status, def.stdout.trim()]).toEqual([0, 'argv=["from-package-json"]']);
    const cli = await rk(['run', fixture('echo'), '-append', '-- a "b c"']);
    expect(cli.stdout.trim()).toBe('argv=["a","b c"]');
    const fail = await rk(['run', fixture('echo'), '-append', '-- fail']);
    expect(fail.status).toBe(7);
  });

  it('runs an image file given with -kernel, using the defaults from its manifest', async () => {
    await rk(['build', '-q', fixture('echo')]);
    const r = await rk([
      'run',
      '-kernel',
      join(fixture('echo'), 'build/image.mjs'),
      '-nographic',
      '-serial',
      'mon:stdio',
      '-display',
      'none',
    ]);
    expect([r.status, r.stdout.trim()]).toEqual([0, 'argv=["from-package-json"]']);
  });

  it('rebuilds a stale image before running it', async () => {
    await rk(['build', '-q', fixture('exit3')]);
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(join(fixture('exit3'), 'build/image.mjs'), past, past); // as if main.ts were edited since
    const r = await rk(['run', fixture('exit3')]);
    expect(r.stderr).toMatch(/^rk run: building .*exit3 \(.* changed\)\n/);
    expect(r.status).toBe(3);
    const again = await rk(['run', fixture('exit3')]);
    expect(again.stderr).not.toContain('building');
  });

  it('builds first when the image is missing', async () => {
    rmSync(join(fixture('exit3'), 'build'), { recursive: true, force: true });
    const r = await rk(['run', fixture('exit3')]);
    expect(r.stderr).toMatch(/building .*\(no image yet\)/);
    expect(r.status).toBe(3);
  });

  it('dumps the device tree like QEMU and exits 0', async () => {
    const out = join(tmp(), 'virt.dtb');
    const r = await rk([
      'run',
      '-machine',
      `virt,aclint=on,dumpdtb=${out}`,
      '-m',
      '256M',
      '-smp',
      '2',
      '-append',
      'console=ttyS0',
    ]);
    expect([r.status, r.stderr]).toEqual([0, `rk run: info: dtb dumped to ${out}. Exiting.\n`]);
    const blob = new Uint8Array(readFileSync(out));
    const factory = await loadMachine();
    const expected = factory
      .create(
        machineOptions({ aclint: true, memory: 256 * 2 ** 20, smp: 2, append: 'console=ttyS0' }),
        'none',
      )
      .dtb();
    expect(blob.length).toBe(expected.length);
    if (hasDtc) expect(dts(blob)).toBe(dts(expected));
  });

  it.skipIf(!hasDtc)('puts -initrd and -append into /chosen as QEMU does', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'rd.img'), new Uint8Array(4096).fill(7));
    const out = join(dir, 'virt.dtb');
    const r = await rk([
      'run',
      '-machine',
      `virt,dumpdtb=${out}`,
      '-bios',
      'none',
      '-append',
      'console=ttyS0 foo=bar',
      '-initrd',
      join(dir, 'rd.img'),
    ]);
    expect(r.status).toBe(0);
    const reference = readFileSync(
      join(repoRoot, 'packages/fdt/test/fixtures/virt-kernel-append-initrd.dtb'),
    );
    expect(dts(new Uint8Array(readFileSync(out)))).toBe(dts(new Uint8Array(reference)));
  });

  it('names a dumpdtb file it cannot write', async () => {
    const r = await rk(['run', '-machine', 'virt,dumpdtb=/nonexistent/dir/x.dtb']);
    expect([r.status, r.stderr]).toEqual([
      1,
      'rk run: -machine dumpdtb: failed dumping dtb to /nonexistent/dir/x.dtb: ENOENT\n',
    ]);
  });

  it('serves qtest without an image and without -S (nothing to boot)', async () => {
    const r = await rk(['run', '--qtest', 'stdio'], { input: 'readb 0x10000005\n', cwd: tmp() });
    expect([r.status, r.stdout]).toEqual([0, 'OK 0x0000000000000060\n']);
  });

  it.skipIf(!hasDtc)('dumps the same tree as QEMU 7.2 for -m 512M -smp 4', async () => {
    const out = join(tmp(), 'virt.dtb');
    expect(
      (await rk(['run', '-machine', `virt,dumpdtb=${out}`, '-m', '512M', '-smp', '4'])).status,
    ).toBe(0);
    const reference = readFileSync(join(repoRoot, 'packages/fdt/test/fixtures/virt-m512-smp4.dtb'));
    expect(dts(new Uint8Array(readFileSync(out)))).toBe(dts(new Uint8Array(reference)));
  });

  it('speaks qtest over stdio with the hart held', async () => {
    const r = await rk(['run', '--qtest', 'stdio', '-S'], {
      input: 'readl 0x10001000\nendianness\nfrob\n',
    });
    expect(r.stdout).toBe("OK 0x0000000074726976\nOK little\nFAIL Unknown command 'frob'\n");
    expect(r.status).toBe(0);
  });

  it('speaks qtest over a UNIX socket it connects to, as QEMU does', async () => {
    const path = join(tmp(), 'qtest.sock');
    const server = createServer();
    await new Promise<void>((ok) => server.listen(path, ok));
    const child = spawn(process.execPath, [await rkBin(), 'run', '--qtest', `unix:${path}`, '-S'], {
      cwd: repoRoot,
    });
    const sock = await new Promise<Socket>((ok) => server.once('connection', ok));
    sock.write('readl 0x10001000\nreadw 0x10001008\n');
    let got = '';
    for await (const chunk of sock) {
      got += chunk.toString();
      if (got.split('\n').length > 2) break;
    }
    sock.end();
    const status = await new Promise<number | null>((ok) => child.once('exit', ok));
    server.close();
    expect(got).toBe('OK 0x0000000074726976\nOK 0x0000000000000000\n');
    expect(status).toBe(0);
  });

  it('names a qtest socket it cannot reach', async () => {
    const r = await rk(['run', '--qtest', 'unix:/nonexistent/q.sock', '-S']);
    expect([r.status, r.stderr]).toEqual([
      1,
      'rk run: --qtest unix:/nonexistent/q.sock: cannot connect: ENOENT\n',
    ]);
  });

  it('plugs -device virtio devices from slot 7 down, with their -drive backends', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'd.img'), new Uint8Array(1 << 20));
    const r = await rk(
      [
        'run',
        '--qtest',
        'stdio',
        '-S',
        '-drive',
        `file=${join(dir, 'd.img')},if=none,format=raw,id=d0`,
        '-device',
        'virtio-blk-device,drive=d0',
        '-device',
        'virtio-rng-device',
      ],
      { input: 'readl 0x10008008\nreadl 0x10007008\nreadl 0x10006008\nreadl 0x10008004\n' },
    );
    // DeviceID: 2 = block (slot 7, the first -device), 4 = entropy (slot 6), 0 = empty slot; Version 1 (legacy).
    expect(r.stdout).toBe(
      'OK 0x0000000000000002\nOK 0x0000000000000004\nOK 0x0000000000000000\nOK 0x0000000000000001\n',
    );
    expect(r.status).toBe(0);
    const modern = await rk(
      [
        'run',
        '--qtest',
        'stdio',
        '-S',
        '-device',
        'virtio-rng-device',
        '-global',
        'virtio-mmio.force-legacy=false',
      ],
      { input: 'readl 0x10008004\n' },
    );
    expect(modern.stdout).toBe('OK 0x0000000000000002\n');
  });

  it("plugs the app's default devices unless the command line gives its own", async () => {
    const app = fixture('devices');
    const def = await rk(['run', app, '--qtest', 'stdio', '-S'], { input: 'readl 0x10008008\n' });
    expect(def.stdout).toBe('OK 0x0000000000000004\n');
    const none = await rk(
      ['run', app, '--qtest', 'stdio', '-S', '-device', 'virtio-rng-device,bus=virtio-mmio-bus.0'],
      { input: 'readl 0x10008008\nreadl 0x10001008\n' },
    );
    expect(none.stdout).toBe('OK 0x0000000000000000\nOK 0x0000000000000004\n');
    const boot = await rk(['run', app]);
    expect(boot.status).toBe(0);
  });

  it('-virtfs plugs a virtio-9p-device (ID 9, tag in config) serving the host directory', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'hello.txt'), 'hi');
    const r = await rk(
      [
        'run',
        '--qtest',
        'stdio',
        '-S',
        '-virtfs',
        `local,path=${dir},mount_tag=share,security_model=none`,
      ],
      { input: 'readl 0x10008008\nreadl 0x10008010\nreadb 0x10008100\nreadb 0x10008102\n' },
    );
    // DeviceID 9, features MOUNT_TAG + legacy ring bits, tag_len 5, 's'
    expect(r.stdout).toBe(
      'OK 0x0000000000000009\nOK 0x0000000039000001\nOK 0x0000000000000005\nOK 0x0000000000000073\n',
    );
    const fsdev = await rk(
      [
        'run',
        '--qtest',
        'stdio',
        '-S',
        '-fsdev',
        `local,id=f0,path=${dir},security_model=mapped-file,readonly=on`,
        '-device',
        'virtio-9p-device,fsdev=f0,mount_tag=host',
      ],
      { input: 'readl 0x10008008\n' },
    );
    expect(fsdev.stdout).toBe('OK 0x0000000000000009\n');
  });

  it('names bad -fsdev/-virtfs/virtio-9p-device arguments', async () => {
    const run = (...a: string[]) => rk(['run', '--qtest', 'stdio', '-S', ...a]);
    expect((await run('-device', 'virtio-9p-device,fsdev=nope,mount_tag=t')).stderr).toBe(
      'rk run: -device virtio-9p-device: fsdev=nope does not name a -fsdev\n',
    );
    expect(
      (await run('-virtfs', 'local,path=/nonexistent-dir,mount_tag=t,security_model=none')).stderr,
    ).toMatch(/^rk run: -fsdev id=t: path=\/nonexistent-dir: ENOENT/);
    expect((await run('-fsdev', 'local,id=f,path=/tmp')).stderr).toMatch(
      /security_model= is required/,
    );
    expect(
      (await run('-fsdev', 'local,id=f,path=/tmp,security_model=mapped-xattr')).stderr,
    ).toMatch(/needs extended attributes/);
    expect(
      (
        await run(
          '-fsdev',
          'local,id=f,path=/tmp,security_model=none',
          '-device',
          'virtio-9p-device,fsdev=f',
        )
      ).stderr,
    ).toMatch(/fsdev with id f needs mount_tag arguments/);
  });

  it('names bad -device/-netdev/-drive combinations', async () => {
    const r = await rk([
      'run',
      '--qtest',
      'stdio',
      '-S',
      '-device',
      'virtio-net-device,netdev=nope',
    ]);
    expect([r.status, r.stderr]).toEqual([
      1,
      'rk run: -device virtio-net-device: netdev=nope does not name a -netdev\n',
    ]);
    const pci = await rk(['run', '--qtest', 'stdio', '-S', '-device', 'virtio-net-pci,netdev=n0']);
    expect(pci.stderr).toBe('rk run: -device virtio-net-pci: netdev=n0 does not name a -netdev\n');
  });

  it("adds -fw_cfg items to the fw_cfg directory, with QEMU's warning and errors", async () => {
    const r = await rk(
      [
        'run',
        '--qtest',
        'stdio',
        '-S',
        '-fw_cfg',
        'opt/a,string=hi',
        '-fw_cfg',
        'name=etc/z,string=Z',
      ],
      {
        input:
          'writew 0x10100008 0x1900\nreadl 0x10100000\nwritew 0x10100008 0x2400\nreadw 0x10100000\n',
      },
    );
    expect(r.stdout).toBe('OK\nOK 0x0000000005000000\nOK\nOK 0x0000000000006968\n');
    expect(r.stderr).toBe(
      'rk run: -fw_cfg name=etc/z,string=Z: warning: externally provided fw_cfg item names should be prefixed with "opt/"\n',
    );
    const bad = await rk(['run', '--qtest', 'stdio', '-S', '-fw_cfg', 'name=opt/x']);
    expect([bad.status, bad.stderr]).toEqual([
      1,
      'rk run: -fw_cfg: name, plus exactly one of file, string and gen_id, are needed\n',
    ]);
  });

  it('backs the flash banks with -drive if=pflash images and writes programs through', async () => {
    const img = join(tmp(), 'flash0.img');
    const bytes = new Uint8Array(32 * 1024 * 1024);
    bytes.set([0x11, 0x22, 0x33, 0x44]);
    writeFileSync(img, bytes);
    const r = await rk(
      ['run', '--qtest', 'stdio', '-S', '-drive', `if=pflash,format=raw,unit=0,file=${img}`],
      {
        input: 'readl 0x20000000\nwritel 0x20000000 0x40\nwritel 0x20000004 0xcafe\nreadq 0x1018\n',
      },
    );
    expect(r.stdout).toBe('OK 0x0000000044332211\nOK\nOK\nOK 0x0000000020000000\n');
    expect([...readFileSync(img).subarray(4, 8)]).toEqual([0xfe, 0xca, 0, 0]);
    writeFileSync(img, new Uint8Array(4096));
    const bad = await rk(['run', '--qtest', 'stdio', '-S', '-drive', `if=pflash,file=${img}`]);
    expect([bad.status, bad.stderr]).toEqual([
      1,
      'rk run: device requires 33554432 bytes, block backend provides 4096 bytes\n',
    ]);
  });

  it('reads guest RAM through qtest after writing it', async () => {
    const r = await rk(['run', '--qtest', 'stdio', '-S', '-m', '64M'], {
      input:
        'writel 0x80000000 0xdeadbeef\nread 0x80000000 4\nreadq 0x83fffff8\nreadl 0x84000000\n',
    });
    expect(r.stdout).toBe('OK\nOK 0xefbeadde\nOK 0x0000000000000000\nOK 0x0000000000000000\n');
  });

  it.skipIf(!existsSync(distBin))(
    'the built bin (dist/bin.js, as a published rk runs it) boots helloworld',
    () => {
      const r = spawnSync(
        process.execPath,
        [distBin, 'run', fixture('helloworld'), '--clock', 'virtual'],
        { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.stdout).toContain('Hello, world!');
      expect(r.status).toBe(0);
    },
  );

  it('refuses a module that is not an image, and an image that does not load', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.mjs'), 'export default 42;\n');
    const r = await rk(['run', join(dir, 'x.mjs')]);
    expect([r.status, r.stderr]).toEqual([
      1,
      `rk run: ${join(dir, 'x.mjs')} is not a Runikraft image (it does not define RunikraftImage, the entry (hart, a0, a1)); rebuild it with rk build\n`,
    ]);
    writeFileSync(join(dir, 'y.mjs'), 'var RunikraftImage = (;\n');
    const y = await rk(['run', join(dir, 'y.mjs')]);
    expect(y.status).toBe(1);
    expect(y.stderr).toMatch(/^rk run: .*y\.mjs: the image does not parse: /);
  });

  it('names an unreadable -initrd and a missing image', async () => {
    const r = await rk(['run', fixture('helloworld'), '-initrd', '/nonexistent/rd.img']);
    expect([r.status, r.stderr]).toEqual([
      1,
      "rk run: -initrd: cannot read '/nonexistent/rd.img': ENOENT\n",
    ]);
    const m = await rk(['run', 'no/such/image.mjs']);
    expect([m.status, m.stderr]).toEqual([
      1,
      "rk run: 'no/such/image.mjs' does not exist (give an image such as build/image.mjs or an app directory)\n",
    ]);
  });
});
