// Differential against real QEMU 7.2: rkpci enumerates our machine (scan, BAR sizing and assignment,
// INTx line writes, capability walks, decode/bus-master enables as a driver binds) while every config
// access is recorded; the same accesses are then replayed on QEMU through qtest over its ECAM. rkpci's
// accesses depend only on the values it reads, so equal reads at every step mean rkpci enumerates
// QEMU's virt exactly as it enumerates ours.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fdt } from '@runikraft/fdt';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import {
  KINDS,
  type Mode,
  modeOpts,
  modeProps,
} from '../../../platforms/qemu-riscv/test/pci/sides';
import { h, qemuMissing, qemuSide } from '../../../platforms/qemu-riscv/test/virtio/qtest-sides';
import { RkPciBusImpl } from '../src/bus';
import { hostBridgesFromDt } from '../src/host-bridge';

if (qemuMissing) console.log(`[skip] rkpci enumeration differential: ${qemuMissing}`);

interface Access {
  readonly op: 'r' | 'w';
  readonly addr: number;
  readonly width: 1 | 2 | 4;
  readonly value: number;
}

const SUFFIX = { 1: 'b', 2: 'w', 4: 'l' } as const;

/** The population: one of each kind, each in a different transport mode, slots 1..4 in order. */
const POPULATION: { kind: string; mode: Mode }[] = [
  { kind: 'net', mode: 'transitional' },
  { kind: 'blk', mode: 'legacy' },
  { kind: 'rng', mode: 'modern' },
  { kind: '9p', mode: 'transitional' },
];

function recordOurs(): { log: Access[]; names: string[] } {
  const m = new Machine({ memory: 64 << 20, console: () => {} });
  for (const p of POPULATION)
    m.plugVirtioPci(KINDS.find((k) => k.name === p.kind)!.ours(), modeOpts(p.mode));
  const log: Access[] = [];
  const mmio = {
    read(addr: number, width: 1 | 2 | 4): number {
      const b = m.board.bus.debugRead(addr, width);
      let v = 0;
      for (let k = width - 1; k >= 0; k--) v = v * 256 + b[k]!;
      log.push({ op: 'r', addr, width, value: v });
      return v;
    },
    write(addr: number, width: 1 | 2 | 4, value: number): void {
      log.push({ op: 'w', addr, width, value });
      m.board.bus.debugWrite(
        addr,
        Uint8Array.from({ length: width }, (_, k) => (value >>> (8 * k)) & 0xff),
      );
    },
  };
  const bus = new RkPciBusImpl();
  // a driver binding every virtio function: enables decode and mastering, walks the capabilities
  bus.registerDriver({
    name: 'probe',
    ids: [{ vendorId: 0x1af4 }],
    addDev: (d) => (d.capabilities().length >= 0 ? 0 : -1),
  });
  for (const hb of hostBridgesFromDt(Fdt.open(m.dtb()), mmio).bridges) bus.addHostBridge(hb);
  const names = bus
    .devices()
    .map(
      (d) => `${d.name} ${d.vendorId.toString(16)}:${d.deviceId.toString(16)} ${d.driver ?? '-'}`,
    );
  return { log, names };
}

describe.skipIf(qemuMissing !== null)('rkpci on real QEMU 7.2 (replayed through qtest)', () => {
  it('every config read rkpci makes during enumeration and binding reads the same on QEMU', async () => {
    const { log, names } = recordOurs();
    expect(names).toEqual([
      '0000:00:00.0 1b36:8 -',
      '0000:00:01.0 1af4:1000 probe',
      '0000:00:02.0 1af4:1001 probe',
      '0000:00:03.0 1af4:1044 probe',
      '0000:00:04.0 1af4:1009 probe',
    ]);
    expect(log.length).toBeGreaterThan(200);
    const devices: string[] = [];
    const extra: string[] = [];
    for (const p of POPULATION) {
      const q = KINDS.find((k) => k.name === p.kind)!.qemu(modeProps(p.mode));
      devices.push(q.device);
      for (const a of q.extra)
        if (a !== 'DRIVE') extra.push(a);
        else {
          const f = join(mkdtempSync(join(tmpdir(), 'rk-pcidiff-')), 'd.img');
          writeFileSync(f, new Uint8Array(16 << 20));
          extra.push(`file=${f},if=none,format=raw,id=d0`);
        }
    }
    const qemu = await qemuSide(devices, false, extra);
    const diffs: string[] = [];
    try {
      for (const a of log) {
        if (a.op === 'w') {
          await qemu.cmd(`write${SUFFIX[a.width]} ${h(a.addr)} ${h(a.value >>> 0)}`);
          continue;
        }
        const v = Number((await qemu.cmd(`read${SUFFIX[a.width]} ${h(a.addr)}`)).split(' ')[1]);
        if (v !== a.value)
          diffs.push(`read${SUFFIX[a.width]} ${h(a.addr)}: ours ${h(a.value)}, QEMU ${h(v)}`);
      }
    } finally {
      await qemu.close();
    }
    expect(diffs).toEqual([]);
  }, 60_000);
});
