// Tests for rk run's QEMU-syntax argument parser (src/run-args.ts) and sizes (src/size.ts).
import { describe, expect, it } from 'vitest';
import { RkUsageError } from '../src/errors';
import { parseQemuBool, parseRunArgs, splitQemuOpts } from '../src/run-args';
import { machineOptions, monitorMode, serialConsole } from '../src/run-image';
import { formatQemuSize, parseQemuSize } from '../src/size';

const err = (argv: string[]): string => {
  try {
    parseRunArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(RkUsageError);
    return (e as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to fail`);
};
const SUP =
  '(supported: -machine/-M, -m, -smp, -append, -bios, -kernel, -initrd, -nographic, -display, -serial, -chardev, -monitor, -nodefaults, -no-reboot, -no-shutdown, -cpu rv64, -name, -rtc, -d, -D, -accel, -qtest-log, -object, -nic, -global, -device, -netdev, -drive, -fsdev, -virtfs, -fw_cfg, -p/--port, -S, --clock, --qtest, --inspect[=PORT], --inspect-brk[=PORT], --help)';

describe('parseQemuSize', () => {
  it('reads QEMU sizes with suffixes, fractions and a default unit', () => {
    expect(parseQemuSize('128M')).toBe(128 * 2 ** 20);
    expect(parseQemuSize('128m')).toBe(128 * 2 ** 20);
    expect(parseQemuSize('1G')).toBe(2 ** 30);
    expect(parseQemuSize('1.5G')).toBe(1.5 * 2 ** 30);
    expect(parseQemuSize('64K')).toBe(65536);
    expect(parseQemuSize('512', 'm')).toBe(512 * 2 ** 20);
    expect(parseQemuSize('4096')).toBe(4096);
    expect(parseQemuSize('1.5')).toBeUndefined();
    expect(parseQemuSize('12Q')).toBeUndefined();
    expect(parseQemuSize('')).toBeUndefined();
    expect(parseQemuSize('-1M')).toBeUndefined();
    expect(parseQemuSize('99999999E')).toBeUndefined();
  });
  it('formats sizes as QEMU does', () => {
    expect(formatQemuSize(128 * 2 ** 20)).toBe('128M');
    expect(formatQemuSize(2 ** 30)).toBe('1G');
    expect(formatQemuSize(1536 * 2 ** 20)).toBe('1536M');
    expect(formatQemuSize(8192)).toBe('8K');
    expect(formatQemuSize(100)).toBe('100B');
  });
});

describe('QEMU option helpers', () => {
  it('splits on commas with ,, as an escaped comma', () => {
    expect(splitQemuOpts('virt,dumpdtb=a,,b.dtb,aclint=on')).toEqual([
      'virt',
      'dumpdtb=a,b.dtb',
      'aclint=on',
    ]);
  });
  it('reads QEMU booleans', () => {
    expect([
      parseQemuBool('on'),
      parseQemuBool('yes'),
      parseQemuBool('true'),
      parseQemuBool('off'),
      parseQemuBool('no'),
      parseQemuBool('false'),
      parseQemuBool('1'),
    ]).toEqual([true, true, true, false, false, false, undefined]);
  });
});

describe('parseRunArgs', () => {
  it('takes no arguments', () => expect(parseRunArgs([])).toEqual({}));

  it('reads every supported flag', () => {
    const a = parseRunArgs([
      'apps/helloworld',
      '-machine',
      'virt,aclint=on,dumpdtb=out.dtb',
      '-m',
      '1G',
      '-smp',
      '2',
      '-append',
      'rkboot.banner=off -- a b',
      '-bios',
      'none',
      '-initrd',
      'rd.img',
      '-nographic',
      '-display',
      'none',
      '-serial',
      'mon:stdio',
      '-global',
      'virtio-mmio.force-legacy=false',
      '--clock',
      'virtual',
      '--qtest',
      'stdio',
      '-S',
    ]);
    expect(a).toEqual({
      image: 'apps/helloworld',
      aclint: true,
      dumpdtb: 'out.dtb',
      memory: 2 ** 30,
      smp: 2,
      append: 'rkboot.banner=off -- a b',
      bios: 'none',
      initrd: 'rd.img',
      virtioMmioForceLegacy: false,
      clock: 'virtual',
      qtest: { kind: 'stdio' },
      hold: true,
      serial: 'mon:stdio',
    });
  });

  it("accepts libqtest's command line (-accel qtest, -qtest-log none, -serial/-monitor none)", () => {
    expect(
      parseRunArgs([
        '-qtest',
        'unix:/tmp/q.sock',
        '-qtest-log',
        'none',
        '-display',
        'none',
        '-accel',
        'qtest',
        '-serial',
        'none',
        '-monitor',
        'none',
        '-machine',
        'virt,accel=qtest',
        '-nodefaults',
      ]),
    ).toEqual({
      qtest: { kind: 'unix', path: '/tmp/q.sock', server: false },
      serial: 'none',
      monitor: 'none',
      nodefaults: true,
    });
    expect(() => parseRunArgs(['-accel', 'kvm'])).toThrow(/-accel: bad value 'kvm'/);
    expect(() => parseRunArgs(['-qtest-log', '/tmp/log'])).toThrow(/no qtest log/);
  });

  it("reads --inspect and --inspect-brk in Node's syntax: [=[host:]port], default 127.0.0.1:9229", () => {
    const at = (flag: string) => parseRunArgs([flag]).inspect;
    expect(at('--inspect')).toEqual({ host: '127.0.0.1', port: 9229, brk: false });
    expect(at('--inspect=9230')).toEqual({ host: '127.0.0.1', port: 9230, brk: false });
    expect(at('--inspect=0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0, brk: false });
    expect(at('-inspect=localhost:9333')).toEqual({ host: 'localhost', port: 9333, brk: false });
    expect(at('--inspect-brk')).toEqual({ host: '127.0.0.1', port: 9229, brk: true });
    expect(at('--inspect-brk=[::1]:9231')).toEqual({ host: '::1', port: 9231, brk: true });
    expect(parseRunArgs(['--inspect', '--inspect-brk=9240']).inspect).toEqual({
      host: '127.0.0.1',
      port: 9240,
      brk: true,
    });
    expect(err(['--inspect=lots'])).toBe(
      "rk run: --inspect: bad value 'lots' (accepted: --inspect=PORT or --inspect=HOST:PORT (default 127.0.0.1:9229))",
    );
    expect(err(['--inspect-brk=70000'])).toBe(
      "rk run: --inspect-brk: bad value '70000' (accepted: a port 0..65535 (0 picks a free one))",
    );
  });

  it('accepts the TCG lines users paste (-accel tcg[,thread=…], -machine virt,accel=tcg) as QEMU 7.2 does', () => {
    for (const line of [
      '-accel tcg',
      '-accel tcg,thread=single',
      '-accel tcg,thread=multi,tb-size=64,split-wx=off',
      '-machine virt,accel=tcg',
      '-machine accel=tcg',
      '-M virt,accel=qtest',
    ])
      expect(parseRunArgs(line.split(' ')), line).toEqual({});
    // tcg's properties, with QEMU's messages.
    expect(err(['-accel', 'tcg,thread=bogus'])).toBe(
      "rk run: -accel tcg,thread=bogus: Invalid 'thread' setting bogus",
    );
    expect(err(['-accel', 'tcg,bogus=1'])).toBe(
      "rk run: -accel tcg,bogus=1: Property 'tcg-accel.bogus' not found",
    );
    expect(err(['-accel', 'tcg,tb-size=x'])).toBe(
      "rk run: -accel tcg,tb-size=x: Parameter 'tb-size' expects uint64",
    );
    expect(err(['-accel', 'tcg,split-wx=maybe'])).toBe(
      "rk run: -accel tcg,split-wx=maybe: Parameter 'split-wx' expects 'on' or 'off'",
    );
    // A list falls back to the first accelerator the model is, with QEMU's warnings; none is an error.
    expect(parseRunArgs(['-machine', 'virt,accel=kvm:tcg']).warnings).toEqual([
      '-machine accel=kvm:tcg: invalid accelerator kvm',
      'falling back to tcg',
    ]);
    expect(err(['-machine', 'virt,accel=kvm:hvf'])).toBe(
      "rk run: -machine accel: bad value 'kvm:hvf' (accepted: qtest, tcg (the model interprets the image itself; kvm/hvf/xen do not apply); invalid accelerator kvm, invalid accelerator hvf)",
    );
  });

  it('picks the UART backend as QEMU does (-serial, -chardev, -nodefaults)', () => {
    const c = (...a: string[]) => serialConsole(parseRunArgs(a));
    expect(c()).toBe('stdio');
    expect(c('-nodefaults')).toBe('none');
    expect(c('-nodefaults', '-serial', 'mon:stdio')).toBe('stdio');
    expect(c('-serial', 'null')).toBe('none');
    expect(c('-chardev', 'stdio,id=s', '-serial', 'chardev:s')).toBe('stdio');
    expect(c('-chardev', 'null,id=n', '-serial', 'chardev:n')).toBe('none');
    expect(() => c('-serial', 'chardev:x')).toThrow(/character backend 'chardev:x'/);
    expect(() => parseRunArgs(['-chardev', 'socket,id=s,path=/x'])).toThrow(
      /backend 'socket' is not modelled/,
    );
  });

  it('reads -rtc base and clock as QEMU does', () => {
    expect(parseRunArgs(['-rtc', 'base=2020-01-02T03:04:05,clock=vm']).rtc).toEqual({
      base: BigInt(Date.UTC(2020, 0, 2, 3, 4, 5)) * 1_000_000n,
      clock: 'vm',
    });
    expect(parseRunArgs(['-rtc', 'utc']).rtc).toEqual({ base: 'utc' });
    expect(machineOptions(parseRunArgs(['-rtc', 'base=2020-01-01,clock=vm']))).toMatchObject({
      rtcEpochNs: 1_577_836_800_000_000_000n,
      rtcClock: 'vm',
    });
    expect(() => parseRunArgs(['-rtc', 'base=yesterday'])).toThrow(/-rtc base: bad value/);
    expect(() => parseRunArgs(['-rtc', 'clock=wall'])).toThrow(/-rtc clock: bad value/);
  });

  it('checks -smp topologies with QEMU 7.2 rules and messages', () => {
    expect(parseRunArgs(['-smp', '4,sockets=2']).smp).toBe(4);
    expect(parseRunArgs(['-smp', 'sockets=2,cores=3']).smp).toBe(6);
    expect(parseRunArgs(['-smp', '2,maxcpus=4']).smp).toBe(2);
    expect(parseRunArgs(['-smp', '0x10']).smp).toBe(16);
    const z = parseRunArgs(['-smp', '0']);
    expect([z.smp, z.warnings?.length]).toEqual([1, 1]);
    expect(() => parseRunArgs(['-smp', '4,cores=3'])).toThrow(
      'rk run: -smp: Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (1) * cores (3) * threads (1) != maxcpus (4)',
    );
    expect(() => parseRunArgs(['-smp', '4,clusters=2'])).toThrow(/clusters not supported/);
    expect(() => parseRunArgs(['-smp', '4,foo=1'])).toThrow(/'smp.foo' is unexpected/);
    expect(() => parseRunArgs(['-smp', 'cpus=x'])).toThrow(/expects an integer/);
    expect(() => parseRunArgs(['-smp', '600'])).toThrow(
      /max CPUs supported by machine 'virt' is 512/,
    );
  });

  it('accepts QEMU spellings: -M, --opt, --opt=value, type=virt, cpus=N, size=, bare MiB', () => {
    expect(
      parseRunArgs(['-M', 'type=virt', '--m', '512', '-smp', 'cpus=4', '--clock=host']),
    ).toEqual({ memory: 512 * 2 ** 20, smp: 4, clock: 'host' });
    expect(parseRunArgs(['-m', 'size=64M']).memory).toBe(64 * 2 ** 20);
    expect(parseRunArgs(['-machine', 'virt,aclint=off']).aclint).toBe(false);
    expect(parseRunArgs(['-machine', 'virt,aclint']).aclint).toBe(true);
    expect(parseRunArgs(['-bios', 'default']).bios).toBe('default');
    expect(parseRunArgs(['-serial', 'stdio'])).toEqual({ serial: 'stdio' });
    expect(parseRunArgs(['-global', 'virtio-mmio.force-legacy=on']).virtioMmioForceLegacy).toBe(
      true,
    );
    expect(parseRunArgs(['-kernel', 'build/image.mjs']).image).toBe('build/image.mjs');
    expect(parseRunArgs(['-kernel', 'x.mjs', 'x.mjs']).image).toBe('x.mjs');
    expect(parseRunArgs(['-h']).help).toBe(true);
    expect(parseRunArgs(['--help']).help).toBe(true);
  });

  it('rounds -m up to 8 KiB as QEMU does', () => {
    expect(parseRunArgs(['-m', '1000K']).memory).toBe(1000 * 1024);
    expect(parseRunArgs(['-m', '1001K']).memory).toBe(1008 * 1024);
  });

  it('parses --qtest unix sockets as QEMU chardevs', () => {
    expect(parseRunArgs(['--qtest', 'unix:/tmp/q.sock']).qtest).toEqual({
      kind: 'unix',
      path: '/tmp/q.sock',
      server: false,
    });
    expect(parseRunArgs(['-qtest', 'unix:/tmp/q.sock,server=on,wait=off']).qtest).toEqual({
      kind: 'unix',
      path: '/tmp/q.sock',
      server: true,
    });
  });

  it('names unsupported options and lists the supported ones', () => {
    expect(err(['-xyz'])).toBe(`rk run: unsupported option '-xyz' ${SUP}`);
    expect(err(['--enable-kvm'])).toBe(`rk run: unsupported option '--enable-kvm' ${SUP}`);
    expect(parseRunArgs(['-fsdev', 'local,id=f0,path=.,security_model=none']).fsdev).toEqual([
      'local,id=f0,path=.,security_model=none',
    ]);
    expect(
      parseRunArgs(['-virtfs', 'local,path=.,mount_tag=s,security_model=none']).virtfs,
    ).toEqual(['local,path=.,mount_tag=s,security_model=none']);
  });

  it('names the flag and the accepted forms for bad values', () => {
    expect(err(['-m', 'lots'])).toBe(
      "rk run: -m: bad value 'lots' (accepted: a number of MiB (512) or a size with suffix K, M, G (128M, 1G, 1.5G); optionally size=...)",
    );
    expect(err(['-m', '0'])).toContain("-m: bad value '0'");
    expect(err(['-m', '128M,slots=2'])).toContain("-m: unsupported property 'slots'");
    expect(err(['-smp', '600'])).toBe(
      "rk run: -smp: Invalid SMP CPUs 600. The max CPUs supported by machine 'virt' is 512",
    );
    expect(err(['-smp', '2,sockets=3'])).toContain('-smp: Invalid CPU topology');
    expect(err(['-machine', 'sifive_u'])).toBe(
      "rk run: -machine: unsupported machine type 'sifive_u' (supported: virt; accepted: virt[,aclint=on|off][,accel=qtest|tcg][,dumpdtb=FILE])",
    );
    expect(err(['-machine', 'virt,aia=aplic'])).toBe(
      "rk run: -machine: unsupported property 'aia' (supported: type, aclint, accel, dumpdtb; accepted: virt[,aclint=on|off][,accel=qtest|tcg][,dumpdtb=FILE])",
    );
    expect(err(['-machine', 'virt,aclint=maybe'])).toBe(
      "rk run: -machine aclint: bad value 'maybe' (accepted: on, off)",
    );
    expect(err(['-machine', 'virt,dumpdtb='])).toContain('-machine dumpdtb: bad value');
    expect(err(['-bios', 'opensbi.bin'])).toBe(
      "rk run: -bios: bad value 'opensbi.bin' (accepted: none (kernel in M-mode), default (built-in SBI firmware); firmware files are not supported)",
    );
    expect(err(['-display', 'gtk'])).toBe(
      "rk run: -display: bad value 'gtk' (accepted: none (the console is always the serial port on stdio))",
    );
    expect(err(['-serial', 'pty'])).toBe(
      "rk run: -serial pty: the 'pty' backend is not modelled (accepted: stdio, mon:stdio, null, none, file:PATH, pipe:PATH, chardev:ID)",
    );
    expect(err(['-serial', 'bogus'])).toBe(
      "rk run: -serial: bad value 'bogus' (accepted: stdio, mon:stdio, null, none, file:PATH, pipe:PATH, chardev:ID)",
    );
    expect(err(['-global', 'virtio-mmio.foo=1'])).toBe(
      "rk run: -global: unsupported property 'virtio-mmio.foo' (supported: virtio-mmio.force-legacy=on|off)",
    );
    expect(err(['-global', 'virtio-mmio.force-legacy=2'])).toBe(
      "rk run: -global virtio-mmio.force-legacy: bad value '2' (accepted: on, off, true, false)",
    );
    expect(err(['--clock', 'wall'])).toBe(
      "rk run: --clock: bad value 'wall' (accepted: host (follows the host monotonic clock), virtual (deterministic))",
    );
    expect(err(['--qtest', 'tcp:1234'])).toBe(
      "rk run: --qtest: bad value 'tcp:1234' (accepted: stdio, unix:PATH (connect, as QEMU does), unix:PATH,server=on[,wait=off] (listen))",
    );
    expect(err(['--qtest', 'unix:/x,bogus=1'])).toContain("--qtest: bad value 'unix:/x,bogus=1'");
  });

  it('collects -device, -netdev and -drive in command-line order', () => {
    const a = parseRunArgs([
      '-netdev',
      'socket,id=n0,listen=:1234',
      '-device',
      'virtio-net-device,netdev=n0',
      '-drive',
      'file=d.img,if=none,format=raw,id=d0',
      '--device',
      'virtio-blk-device,drive=d0',
      '-device',
      'virtio-rng-device',
    ]);
    expect(a.device).toEqual([
      'virtio-net-device,netdev=n0',
      'virtio-blk-device,drive=d0',
      'virtio-rng-device',
    ]);
    expect(a.netdev).toEqual(['socket,id=n0,listen=:1234']);
    expect(a.drive).toEqual(['file=d.img,if=none,format=raw,id=d0']);
  });

  it('collects -fw_cfg arguments in command-line order', () => {
    const a = parseRunArgs(['-fw_cfg', 'opt/a,string=x', '--fw_cfg=name=opt/b,file=f.bin']);
    expect(a.fwCfg).toEqual(['opt/a,string=x', 'name=opt/b,file=f.bin']);
  });

  it('rejects a missing value and a second image', () => {
    expect(err(['-m'])).toBe("rk run: option '-m' needs a value (see rk run --help)");
    expect(err(['a', 'b'])).toBe(
      "rk run: unexpected argument 'b': give one image or app directory (already have 'a')",
    );
    expect(err(['-kernel', 'a.mjs', 'b.mjs'])).toBe(
      "rk run: both -kernel 'a.mjs' and 'b.mjs' given: give the image once",
    );
  });

  it('accepts -no-reboot, -cpu rv64 and -name as QEMU spells them; other CPUs are a precise error', () => {
    expect(parseRunArgs(['-no-reboot']).noReboot).toBe(true);
    expect(parseRunArgs(['-cpu', 'rv64'])).toEqual({});
    expect(parseRunArgs(['-name', 'web1,process=rk-web1,debug-threads=on']).name).toBe('web1');
    expect(parseRunArgs(['-name', 'guest=db']).name).toBe('db');
    expect(err(['-cpu', 'sifive-u54'])).toBe(
      "rk run: -cpu: bad value 'sifive-u54' (accepted: rv64 (the hart model implements one CPU: QEMU's generic rv64))",
    );
    expect(err(['-cpu', 'rv64,v=true'])).toBe(
      "rk run: -cpu rv64: CPU properties are not modelled ('v=true'); give -cpu rv64 alone",
    );
    expect(err(['-name', 'x,colour=red'])).toBe(
      "rk run: -name: bad value 'x,colour=red' (accepted: NAME[,process=NAME][,debug-threads=on|off])",
    );
  });

  it('reads -no-shutdown, -monitor, -serial file:, -chardev file, -d and -D', () => {
    expect(parseRunArgs(['-no-shutdown']).noShutdown).toBe(true);
    expect(parseRunArgs(['-monitor', 'stdio']).monitor).toBe('stdio');
    expect(parseRunArgs(['-serial', 'file:/tmp/u.txt']).serial).toEqual({ file: '/tmp/u.txt' });
    expect(parseRunArgs(['-chardev', 'file,id=f,path=/tmp/u,append=on']).chardev).toEqual({
      f: { file: '/tmp/u', append: true },
    });
    expect(parseRunArgs(['-d', 'guest_errors,unimp,guest_errors', '-D', '/tmp/l'])).toEqual({
      log: ['guest_errors', 'unimp'],
      logfile: '/tmp/l',
    });
    expect(parseRunArgs(['-d', 'help']).logHelp).toBe(true);
    expect(err(['-d', 'guest_errors,in_asm'])).toBe(
      "rk run: -d guest_errors,in_asm: unknown log item 'in_asm' (the model logs: unimp, guest_errors; -d help lists them)",
    );
    expect(err(['-monitor', 'tcp::4444'])).toContain("rk run: -monitor: bad value 'tcp::4444'");
    expect(err(['-chardev', 'file,id=f,path=/x,mode=1'])).toContain(
      "property 'mode' is not modelled",
    );
  });

  it('reads -serial pipe:PATH and -chardev pipe (a path is required, as QEMU says)', () => {
    expect(parseRunArgs(['-serial', 'pipe:/tmp/p']).serial).toEqual({ pipe: '/tmp/p' });
    expect(serialConsole(parseRunArgs(['-serial', 'pipe:/tmp/p']))).toEqual({
      pipe: '/tmp/p',
      flag: '-serial pipe:/tmp/p',
    });
    const viaChardev = parseRunArgs([
      '-chardev',
      'pipe,id=p0,path=/tmp/q',
      '-serial',
      'chardev:p0',
    ]);
    expect(viaChardev.chardev).toEqual({ p0: { pipe: '/tmp/q' } });
    expect(serialConsole(viaChardev)).toEqual({
      pipe: '/tmp/q',
      flag: '-chardev pipe,id=p0,path=/tmp/q',
    });
    expect(err(['-chardev', 'pipe,id=p0'])).toBe(
      'rk run: -chardev pipe,id=p0: chardev: pipe: no device path given',
    );
    expect(err(['-chardev', 'pipe,id=p0,path=/x,append=on'])).toContain(
      "property 'append' is not modelled",
    );
  });

  it('puts the monitor where QEMU -nographic does', () => {
    const mode = (...a: string[]) => monitorMode(parseRunArgs(a));
    expect(mode()).toBe('mux'); // -nographic's default serial is mon:stdio
    expect(mode('-serial', 'mon:stdio')).toBe('mux');
    expect(mode('-serial', 'stdio')).toBe('none');
    expect(mode('-monitor', 'none')).toBe('none');
    expect(mode('-nodefaults')).toBe('none');
    expect(mode('-serial', 'none', '-monitor', 'stdio')).toBe('stdio');
    expect(mode('-nodefaults', '-monitor', 'stdio')).toBe('stdio');
    expect(mode('--qtest', 'stdio')).toBe('none');
    expect(() => mode('-monitor', 'stdio')).toThrow(
      /^rk run: -monitor stdio: cannot use stdio by multiple character devices/,
    );
    expect(() => mode('-serial', 'mon:stdio', '-monitor', 'stdio')).toThrow(/multiple character/);
    expect(serialConsole(parseRunArgs(['-serial', 'file:/tmp/x']))).toEqual({
      file: '/tmp/x',
      append: false,
      flag: '-serial file:/tmp/x',
    });
  });
});
