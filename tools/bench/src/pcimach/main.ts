// Issue 14, machine side: what one register access costs the host on the virtio-pci path (ECAM config
// read, common-cfg register through the PCI MMIO window, notify) next to the virtio-mmio register a
// driver would touch instead, in the same run. CPU-path accesses (PhysBus.cpuLoad/cpuStore, as a hart
// makes them), N per round, rounds alternating, median of RK_BENCH_REPEATS. Prints a Markdown table.
// Run: pnpm --filter @runikraft/bench bench:pcimach
import { counterRng } from '../../../../platforms/qemu-riscv/src/machine/backends/rng/backend';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import { VirtioRng } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import { median } from '../pci/rigs';

const REPEATS = Number(process.env.RK_BENCH_REPEATS ?? 7);
const N = Number(process.env.RK_BENCH_OPS ?? 200_000);

const m = new Machine({ console: 'none', memory: 16 << 20, bios: 'none' });
m.plugVirtio(new VirtioRng(counterRng())); // slot 7 at 0x10008000
m.plugVirtioPci(new VirtioRng(counterRng()), { disableLegacy: true }); // 00:01.0
const bus = m.board.bus;
const MMIO_DEV = 0x10008000;
const ECAM_DEV = 0x30008000;
const BAR4 = 0x40000000;
bus.cpuStore(ECAM_DEV + 0x20, 4, BAR4, []);
bus.cpuStore(ECAM_DEV + 0x24, 4, 0, []);
bus.cpuStore(ECAM_DEV + 0x04, 2, 0x6, []);
if (bus.cpuLoad(BAR4 + 0x12, 2, []) !== 1) throw new Error('bench: BAR4 is not decoding');

type Op = () => void;
let sink = 0;
const ops: [string, Op, Op][] = [
  [
    'device identity (ECAM vendor/device vs virtio-mmio DeviceID)',
    () => {
      sink ^= bus.cpuLoad(ECAM_DEV, 4, []);
    },
    () => {
      sink ^= bus.cpuLoad(MMIO_DEV + 0x08, 4, []);
    },
  ],
  [
    'device status (common cfg via the PCI window vs virtio-mmio Status)',
    () => {
      sink ^= bus.cpuLoad(BAR4 + 0x14, 1, []);
    },
    () => {
      sink ^= bus.cpuLoad(MMIO_DEV + 0x70, 4, []);
    },
  ],
  [
    'queue notify, no ring yet (notify region vs QueueNotify)',
    () => {
      bus.cpuStore(BAR4 + 0x3000, 2, 0, []);
    },
    () => {
      bus.cpuStore(MMIO_DEV + 0x50, 4, 0, []);
    },
  ],
];

function nsPerOp(op: Op): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) op();
  return Number(process.hrtime.bigint() - t0) / N;
}

console.log(`| access | virtio-pci ns | virtio-mmio ns | pci / mmio |`);
console.log(`|---|---:|---:|---:|`);
for (const [name, pci, mmio] of ops) {
  nsPerOp(pci);
  nsPerOp(mmio);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    a.push(nsPerOp(pci));
    b.push(nsPerOp(mmio));
  }
  const [pa, mb] = [median(a), median(b)];
  console.log(`| ${name} | ${pa.toFixed(1)} | ${mb.toFixed(1)} | ${(pa / mb).toFixed(2)} |`);
}
console.log(`(${REPEATS} alternating rounds of ${N} accesses, medians; sink ${sink & 1})`);
m.powerOff(0);
