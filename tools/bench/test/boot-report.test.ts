// Tests for the boot benchmark's statistics and its BENCHMARKS.md section writer.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BootFigures, bootSection, writeBootSection } from '../src/boot/report';
import { fmtMs, median, percentile } from '../src/boot/stats';

const figures: BootFigures = {
  date: '2026-11-26',
  cpu: '2 × Test CPU',
  node: 'v20.20.2',
  imageBytes: 70_000,
  imageGzip: 20_000,
  libraries: ['@runikraft/plat-qemu-riscv'],
  inproc: [
    { clock: 'virtual', bios: 'default', runs: 50, toMain: 1.1, toMainP90: 1.5, toExit: 1.2 },
  ],
  minMemory: 2 ** 20,
  rkProcess: { median: 200, runs: 10, tool: 'hyperfine', bin: 'tools/rk/dist/bin.js' },
  nodeStartup: 40,
  qemu: {
    version: 'QEMU emulator version 7.2.22',
    median: 50,
    runs: 10,
    command: 'qemu-system-riscv64 -machine virt',
  },
};

describe('stats', () => {
  it('computes medians, percentiles and formats durations', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(fmtMs(1.234)).toBe('1.23 ms');
    expect(fmtMs(0.055)).toBe('55 µs');
  });
});

describe('BENCHMARKS.md section', () => {
  it('states the command, the machine, medians, ratios and Unikraft figures', () => {
    const s = bootSection(figures);
    expect(s).toContain('## Boot (issue 2)');
    expect(s).toContain('pnpm --filter @runikraft/bench bench:boot');
    expect(s).toContain('2 × Test CPU');
    expect(s).toContain(
      '| 1.10 ms (p90 1.50 ms; to power-off 1.20 ms) | median of 50 | 55 µs guest boot (QEMU/KVM) | 20× |',
    );
    expect(s).toContain(
      '| 200.00 ms | median of 10 (hyperfine) | real QEMU 7.2 booting a bare-metal M-mode hello: 50.00 ms | 4.00× |',
    );
    expect(s).toContain(
      '| 70.0 KB (20.0 KB gzipped) | | Unikraft helloworld image: 213 KB | 0.33× |',
    );
    expect(s).toContain('| 1M | bisection, 8 KiB steps | Unikraft: 2 MB | 0.50× Unikraft |');
    expect(
      bootSection({
        ...figures,
        minMemoryMachineFloor: true,
        qemu: { ...figures.qemu!, minMemory: 16384 },
      }),
    ).toContain(
      "| 1M (the machine model's lower limit; the kernel may need less) | bisection, 8 KiB steps | Unikraft: 2 MB; real QEMU, bare-metal hello: 16K | 0.50× Unikraft |",
    );
  });

  it('replaces its own section and keeps the others', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'BENCHMARKS.md');
    writeFileSync(file, '# Benchmarks\n\n## Allocators\n\nkeep me\n');
    writeBootSection(file, figures);
    writeBootSection(file, { ...figures, minMemory: 2 ** 21 });
    const text = readFileSync(file, 'utf8');
    expect(text.match(/## Boot \(issue 2\)/g)).toHaveLength(1);
    expect(text).toContain('keep me');
    expect(text).toContain('| 2M |');
  });
});
