// The HMP monitor on a machine (a test channel): info status/qtree/mtree/name, stop/cont holding the
// guest at its next host turn, system_reset, quit, unknown commands; -no-shutdown pausing on a reset
// under -no-reboot (a guest power-off still exits, as in QEMU 7.2).
import { describe, expect, it } from 'vitest';
import type { Hart } from '../../src/isa/hart';
import { SBI_EXT_LEGACY_SHUTDOWN, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET } from '../../src/isa/sbi';
import { BufferConsole, Machine, type MachineOptions } from '../../src/machine';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';

function channel() {
  let front: { input(b: Uint8Array): void; open(): void } | null = null;
  const c = {
    text: '',
    attachMonitor(f: { input(b: Uint8Array): void; open(): void; refocus(): void }) {
      front = f;
      f.open();
      return (t: string) => {
        c.text += t;
      };
    },
    /** Types a line and returns what the monitor printed for it (without the echo and prompt). */
    run(line: string): string {
      const before = c.text.length;
      front?.input(new TextEncoder().encode(`${line}\n`));
      const out = c.text.slice(before);
      return out.slice(line.length + 2).replace(/\(qemu\) $/, '');
    },
  };
  return c;
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

function busy(counter: { n: number; boots: number }) {
  return async (h: Hart) => {
    counter.boots++;
    for (;;) {
      counter.n++;
      const p = h.poll();
      if (p) await p;
    }
  };
}

function machine(extra: MachineOptions = {}) {
  const mon = channel();
  const m = new Machine({ console: new BufferConsole(), clock: 'host', monitor: mon, ...extra });
  return { m, mon };
}

describe('HMP monitor', () => {
  it('answers info status, stop/cont, system_reset, unknown commands, help and quit', async () => {
    const { m, mon } = machine({ name: 'guest1' });
    const c = { n: 0, boots: 0 };
    const run = m.boot(busy(c));
    expect(mon.text).toMatch(
      /^QEMU 7\.2 monitor .* - type 'help' for more information\r\n\(qemu\) $/,
    );
    await tick();
    expect(mon.run('info status')).toBe('VM status: running\r\n');
    expect(mon.run('info name')).toBe('guest1\r\n');
    expect(mon.run('stop')).toBe('');
    expect(mon.run('info status')).toBe('VM status: paused\r\n');
    await tick();
    const held = c.n;
    await tick(50);
    expect(c.n).toBe(held); // the guest waits at its next host turn
    expect(mon.run('c')).toBe('');
    await tick(50);
    expect(c.n).toBeGreaterThan(held);
    expect(mon.run('system_reset')).toBe('');
    await tick(50);
    expect(c.boots).toBe(2);
    expect(mon.run('frobnicate now')).toBe("unknown command: 'frobnicate'\r\n");
    expect(mon.run('info frob')).toBe("unknown command: 'info frob'\r\n");
    expect(mon.run('stop now')).toBe(
      'stop|s: extraneous characters at the end of line\r\nTry "help stop" for more information\r\n',
    );
    expect(mon.run('help quit')).toBe('quit|q  -- quit the emulator\r\n');
    expect(mon.run('help')).toContain('system_reset  -- reset the system\r\n');
    expect(mon.run('info')).toContain('info qtree  -- show device tree\r\n');
    mon.run('quit');
    expect(await run).toEqual({ status: 0, reason: 'quit' });
  });

  it('stop/cont hold the guest clock: mtime (and the RTC under -rtc clock=vm) skip the stopped time; clock=host RTC keeps host time, as QEMU', async () => {
    const STOP_MS = 400;
    for (const rtcClock of ['vm', 'host'] as const) {
      const { m, mon } = machine({ rtcClock, bios: 'none' });
      // Each guest reading is paired with the host time it was taken at: under host load the test's
      // own timestamps can lag the guest's last reading by tens of ms, which a bound between the two
      // would count as guest time that ran with no host time. A reading the host interrupted (mtime
      // moved over 1 ms across it) is not kept, so mtime, the RTC and host time are one instant.
      const seen = { mtime0: -1, mtime: 0, rtc0: 0, rtc: 0, host: 0 };
      const run = m.boot(async (h) => {
        for (;;) {
          const mtime = h.csrr(0xc01) * 100; // rdtime, as the guest reads mtime: 10 MHz ticks → ns
          const host = performance.now();
          const rtc = h.load32(0x101000) >>> 0; // TIME_LOW: ns, modulo 2^32 (4.29 s) is enough here
          const whole = h.csrr(0xc01) * 100 - mtime < 1e6;
          if (whole && seen.mtime0 < 0) [seen.mtime0, seen.rtc0] = [mtime, rtc];
          if (whole) [seen.mtime, seen.rtc, seen.host] = [mtime, rtc, host];
          const p = h.poll();
          if (p) await p;
        }
      });
      await tick();
      const [before, hostBefore] = [seen.mtime, seen.host];
      mon.run('stop');
      await tick(STOP_MS);
      expect(seen.mtime - before).toBeLessThan(STOP_MS * 1e6); // no reading while stopped
      mon.run('cont');
      await tick(50);
      const hostNs = (seen.host - hostBefore) * 1e6;
      const guestNs = seen.mtime - before;
      mon.run('quit');
      await run;
      expect(guestNs, `rtc clock=${rtcClock}`).toBeGreaterThan(0);
      // the guest's own clock went on from where it stopped: the stop is not in what it measured
      expect(guestNs, `rtc clock=${rtcClock}`).toBeLessThan(hostNs - STOP_MS * 0.9e6);
      const rtcNs = (seen.rtc - seen.rtc0) >>> 0;
      const mtimeNs = seen.mtime - seen.mtime0;
      if (rtcClock === 'vm') expect(Math.abs(rtcNs - mtimeNs)).toBeLessThan(5e6);
      else expect(rtcNs - mtimeNs).toBeGreaterThan(STOP_MS * 0.9e6); // host time: the stop shows
    }
  });

  it('info qtree lists the board with its properties, plugged devices on their buses', async () => {
    const { m, mon } = machine({ smp: 2, aclint: true });
    m.plugVirtio(new VirtioRng(), undefined, new Map());
    m.plugVirtioPci(new VirtioRng());
    const run = m.boot(busy({ n: 0, boots: 0 }));
    const q = mon.run('info qtree');
    expect(
      q.startsWith('bus: main-system-bus\r\n  type System\r\n  dev: fw_cfg_mem, id ""\r\n'),
    ).toBe(true);
    expect(q).toContain('    hart-config = "MS,MS"\r\n');
    expect(q).toContain('    num-harts = 2 (0x2)\r\n');
    expect(q).toContain('    sswi = 1 (0x1)\r\n');
    expect(q).toContain(
      '    bus: virtio-mmio-bus.7\r\n      type virtio-mmio-bus\r\n      dev: virtio-rng-device, id ""\r\n',
    );
    expect(q).toContain(
      '      dev: virtio-rng-pci, id ""\r\n        disable-legacy = "off"\r\n        disable-modern = false\r\n        vectors = 2 (0x2)\r\n        addr = 01.0\r\n',
    );
    expect(q).toContain('class Class 00ff, addr 00:01.0, pci id 1af4:1005 (sub 1af4:0004)');
    expect(q).toContain('      dev: gpex-root, id ""\r\n');
    mon.run('q');
    await run;
  });

  it('info mtree shows the memory map: RAM at its -m size, the devices, the PCIe windows', async () => {
    const { m, mon } = machine({ memory: 64 << 20 });
    const run = m.boot(busy({ n: 0, boots: 0 }));
    const t = mon.run('info mtree');
    for (const line of [
      '0000000080000000-0000000083ffffff (prio 0, ram): riscv_virt_board.ram',
      '0000000000001000-000000000000ffff (prio 0, rom): riscv_virt_board.mrom',
      '0000000000100000-0000000000100fff (prio 0, i/o): riscv.sifive.test',
      '000000000c000000-000000000c5fffff (prio 0, i/o): riscv.sifive.plic',
      '0000000010000000-0000000010000007 (prio 0, i/o): serial',
      '0000000010008000-00000000100081ff (prio 0, i/o): virtio-mmio',
      '0000000020000000-0000000021ffffff (prio 0, romd): virt.flash0',
      '0000000030000000-000000003fffffff (prio 0, i/o): alias pcie-ecam @pcie-mmcfg-mmio 0000000000000000-000000000fffffff',
      '0000000400000000-00000007ffffffff (prio 0, i/o): alias pcie-mmio-high @gpex_mmio_window 0000000400000000-00000007ffffffff',
    ])
      expect(t).toContain(`    ${line}\r\n`);
    mon.run('q');
    await run;
  });

  // QEMU 7.2 (checked with qemu-system-riscv64 and a bare S-mode payload under OpenSBI, see
  // tools/rk/test/run-monitor-qemu.test.ts): sifive_test exit()s for PASS/FAIL and OpenSBI's SRST
  // shutdown writes PASS, so -no-shutdown changes nothing there; a reset under -no-reboot pauses.
  it('-no-shutdown: a guest power-off (finisher PASS/FAIL, SBI SRST or legacy shutdown) still ends the machine with its status', async () => {
    const cases: [string, (h: Hart) => void, number][] = [
      ['finisher FAIL', (h) => h.store32(0x100000, 0x33333), 3],
      ['finisher PASS', (h) => h.store32(0x100000, 0x5555), 0],
      ['SRST shutdown', (h) => h.ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, 0), 0],
      ['legacy shutdown', (h) => h.ecall(SBI_EXT_LEGACY_SHUTDOWN, 0), 0],
    ];
    for (const [what, off, status] of cases) {
      const { m } = machine({ noShutdown: true });
      const exit = await m.boot(async (h) => {
        off(h);
        await h.wfi();
      });
      expect(exit, what).toEqual({ status, reason: 'poweroff' });
    }
  });

  it('-no-shutdown with -no-reboot: a guest reset (finisher RESET, SRST reboot) pauses, system_reset too; quit exits 0', async () => {
    for (const reset of [
      (h: Hart) => h.store32(0x100000, 0x7777),
      (h: Hart) => h.ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 1, 0),
    ]) {
      const { m, mon } = machine({ noShutdown: true, noReboot: true });
      let boots = 0;
      const run = m.boot(async (h) => {
        boots++;
        reset(h);
        await h.wfi();
      });
      await tick();
      expect(m.exit).toBeNull();
      expect(mon.run('info status')).toBe('VM status: paused (shutdown)\r\n');
      expect(mon.run('cont')).toBe('Error: Resetting the Virtual Machine is required\r\n');
      // -no-reboot turns the monitor's reset into a shutdown request as well (QEMU answers the same)
      expect(mon.run('system_reset')).toBe('');
      expect(mon.run('info status')).toBe('VM status: paused (shutdown)\r\n');
      expect(mon.run('cont')).toBe('Error: Resetting the Virtual Machine is required\r\n');
      await tick();
      expect(boots).toBe(1);
      mon.run('quit');
      expect(await run).toEqual({ status: 0, reason: 'quit' });
    }
  });
});

describe('-d guest_errors', () => {
  it('logs CPU accesses the bus and the devices reject, in QEMU 7.2 words, only when enabled', async () => {
    const run = async (items: ('guest_errors' | 'unimp')[]) => {
      const lines: string[] = [];
      const m = new Machine({
        bios: 'none',
        console: 'none',
        clock: 'virtual',
        log: { items, write: (l) => lines.push(l) },
      });
      const exit = await m.boot((h) => {
        h.store32(0xc000200, 1); // no PLIC register there
        h.store32(0xc200008, 5); // context register 8
        h.store32(0x100000, 0x1234); // not a finisher command
        h.load32(0x9000000); // unassigned: an access fault the image does not handle
      });
      return { lines, exit };
    };
    const on = await run(['guest_errors']);
    expect(on.lines).toEqual([
      'sifive_plic_write: Invalid register write 0x200',
      'sifive_plic_write: Invalid context write 0x200008',
      'sifive_test_write: write: addr=0x0 val=0x0000000000001234',
      "Invalid read at addr 0x9000000, size 4, region '(null)', reason: rejected",
    ]);
    expect(on.exit.reason).toBe('panic-trap');
    expect((await run([])).lines).toEqual([]);
    expect((await run(['unimp'])).lines).toEqual([]);
  });
});
