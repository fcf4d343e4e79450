// Writes the "Boot (issue 2)" section of BENCHMARKS.md between markers, leaving other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatQemuSize } from '@runikraft/rk';
import { fmtMs } from './stats';

export interface BootFigures {
  date: string;
  cpu: string;
  node: string;
  imageBytes: number;
  imageGzip: number;
  libraries: string[];
  inproc: {
    clock: string;
    bios: string;
    runs: number;
    toMain: number;
    toMainP90: number;
    toExit: number;
  }[];
  minMemory: number;
  /** True when the machine model refuses anything smaller (so the kernel might need less). */
  minMemoryMachineFloor?: boolean;
  /** The same with `-bios none` (M-mode, no firmware reservation), when measured. */
  minMemoryBare?: number;
  rkProcess: { median: number; runs: number; tool: string; bin: string };
  nodeStartup: number;
  qemu?: { version: string; median: number; runs: number; command: string; minMemory?: number };
}

const BEGIN = '<!-- bench:boot begin (written by pnpm --filter @runikraft/bench bench:boot) -->';
const END = '<!-- bench:boot end -->';
const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;

function minMemoryRow(f: BootFigures): string {
  const floor = f.minMemoryMachineFloor
    ? " (the machine model's lower limit; the kernel may need less)"
    : '';
  const qemu = f.qemu?.minMemory
    ? `; real QEMU, bare-metal hello: ${formatQemuSize(f.qemu.minMemory)}`
    : '';
  const ratio = `${(f.minMemory / 2 ** 21).toFixed(2)}× Unikraft`;
  const row = `| minimum \`-m\` that boots helloworld (\`-bios default\`) | ${formatQemuSize(f.minMemory)}${floor} | bisection, 8 KiB steps | Unikraft: 2 MB${qemu} | ${ratio} |`;
  if (f.minMemoryBare === undefined) return row;
  const bare = `| minimum \`-m\` that boots helloworld (\`-bios none\`) | ${formatQemuSize(f.minMemoryBare)} | bisection, 8 KiB steps | Unikraft: 2 MB${qemu} | ${(f.minMemoryBare / 2 ** 21).toFixed(3)}× Unikraft |`;
  return `${row}\n${bare}`;
}

/** The markdown of the section. */
export function bootSection(f: BootFigures): string {
  const rows = f.inproc.map(
    (r) =>
      `| machine creation → main, in-process, \`--clock ${r.clock}\`, \`-bios ${r.bios}\` | ${fmtMs(r.toMain)} (p90 ${fmtMs(r.toMainP90)}; to power-off ${fmtMs(r.toExit)}) | median of ${r.runs} | 55 µs guest boot (QEMU/KVM) | ${(r.toMain / 0.055).toFixed(0)}× |`,
  );
  const q = f.qemu;
  return [
    BEGIN,
    '## Boot (issue 2)',
    '',
    '```sh',
    'pnpm --filter @runikraft/bench bench:boot     # RK_BENCH_RUNS=50 RK_BENCH_PROC_RUNS=10 by default',
    '```',
    '',
    `Measured ${f.date} on ${f.cpu} (a 2-core machine shared with other work; expect noise), Node ${f.node}. App: apps/helloworld (${f.libraries.join(', ')}).`,
    '',
    '| figure | Runikraft | runs | baseline | ratio |',
    '|---|---|---|---|---|',
    ...rows,
    `| whole \`rk run apps/helloworld\` process (${f.rkProcess.bin}) | ${fmtMs(f.rkProcess.median)} | median of ${f.rkProcess.runs} (${f.rkProcess.tool}) | ${q ? `real QEMU 7.2 booting a bare-metal M-mode hello: ${fmtMs(q.median)}` : 'real QEMU not installed'} | ${q ? `${(f.rkProcess.median / q.median).toFixed(2)}×` : '–'} |`,
    `| of which Node start-up (\`node -e 0\`) | ${fmtMs(f.nodeStartup)} | median of ${f.rkProcess.runs} | | ${((100 * f.nodeStartup) / f.rkProcess.median).toFixed(0)}% of rk run |`,
    `| image size (build/image.mjs) | ${kb(f.imageBytes)} (${kb(f.imageGzip)} gzipped) | | Unikraft helloworld image: 213 KB | ${(f.imageBytes / 213_000).toFixed(2)}× |`,
    minMemoryRow(f),
    '',
    ...(q
      ? [
          `Real QEMU baseline, same run: \`${q.command}\` (${q.version}); the ELF is tools/bench/baremetal/hello.S (UART print + sifive_test power-off).`,
          '',
        ]
      : []),
    "Unikraft's figures are the published ones (guest boot 55 µs on QEMU/KVM, 213 KB hello image, 2 MB minimum memory): a native kernel under KVM, not a TypeScript machine model. The ratios say how far the model is from that, not a like-for-like race. The in-process figure excludes Node start-up and module loading; the whole-process figure includes them.",
    END,
  ].join('\n');
}

/** Replaces (or appends) the section in `file`, creating the file with a title if needed. */
export function writeBootSection(file: string, f: BootFigures): void {
  const section = bootSection(f);
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEvery figure comes with the command that produced it and a baseline measured in the same run.\n';
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = text.slice(0, a) + section + text.slice(b + END.length);
  else text = `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}
