// rknetdev pps between two booted machines on a hub (full machine: hart MMIO, PLIC, interrupts,
// SBI timer): apps/virtio-netperf as sender and sink in one process.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NetHub } from '../../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { VirtioNet } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { buildImage } from '../../../rk/src/index';

export interface MachinePpsRow {
  readonly size: number;
  readonly legacy: boolean;
  readonly sent: number;
  readonly txPps: number;
  readonly received: number;
  readonly rxPps: number;
}

export async function machinePps(
  sizes: number[] = [64, 1500],
  count = 100_000,
): Promise<MachinePpsRow[]> {
  const appDir = join(repoRoot(), 'apps/virtio-netperf');
  const { imagePath } = await buildImage(appDir);
  const entry = loadImage(imagePath);
  const rows: MachinePpsRow[] = [];
  for (const legacy of [false, true])
    for (const size of sizes) {
      const hub = new NetHub();
      const outs = ['', ''];
      const ms = [`rx ${count} ${size}`, `tx ${count} ${size}`].map((args, i) => {
        const m = new Machine({
          console: (t) => (outs[i] += t),
          clock: 'host',
          memory: 64 << 20,
          virtioForceLegacy: legacy,
          append: `-- ${args}`,
        });
        m.plugVirtio(new VirtioNet(hub.port(`p${i}`)));
        return m;
      });
      await Promise.all(ms.map((m) => m.boot(entry)));
      const tx = /netperf tx: (\d+) frames .* = (\d+) pps/.exec(outs[1]);
      const rx = /netperf rx: (\d+) frames .* = (\d+) pps/.exec(outs[0]);
      rows.push({
        size,
        legacy,
        sent: Number(tx?.[1] ?? 0),
        txPps: Number(tx?.[2] ?? 0),
        received: Number(rx?.[1] ?? 0),
        rxPps: Number(rx?.[2] ?? 0),
      });
    }
  return rows;
}

/** The workspace root (the benchmark runs bundled from tools/bench/.rk, so walk up from cwd). */
export function repoRoot(): string {
  for (let d = process.cwd(); ; d = dirname(d)) {
    if (existsSync(join(d, 'pnpm-workspace.yaml'))) return d;
    if (dirname(d) === d) throw new Error('bench: run from inside the Runikraft workspace');
  }
}
