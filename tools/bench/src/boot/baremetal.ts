// The real-QEMU baseline: builds baremetal/hello.S (M-mode UART hello + finisher power-off) with
// riscv64-unknown-elf-gcc and gives the qemu-system-riscv64 command line that boots it.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './process';

export interface Baremetal {
  qemu: string;
  elf: string;
  /** The QEMU command line (`-bios none`, as our `rk run -bios none`). */
  argv: string[];
  qemuVersion: string;
}

/** Builds the ELF under `outDir`, or explains why the baseline is skipped. */
export function prepareBaremetal(benchDir: string, outDir: string): Baremetal | string {
  const qemu = which('qemu-system-riscv64');
  const gcc = which('riscv64-unknown-elf-gcc');
  if (!qemu) return 'qemu-system-riscv64 not installed (apt-get install qemu-system-misc)';
  if (!gcc)
    return 'riscv64-unknown-elf-gcc not installed (apt-get install gcc-riscv64-unknown-elf)';
  mkdirSync(outDir, { recursive: true });
  const elf = join(outDir, 'hello.elf');
  const src = join(benchDir, 'baremetal');
  const cc = spawnSync(
    gcc,
    [
      '-march=rv64imac_zicsr',
      '-mabi=lp64',
      '-nostdlib',
      '-nostartfiles',
      '-T',
      join(src, 'link.ld'),
      '-o',
      elf,
      join(src, 'hello.S'),
    ],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) return `building hello.elf failed: ${cc.stderr}`;
  const version = spawnSync(qemu, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  return {
    qemu,
    elf,
    argv: [qemu, '-machine', 'virt', '-bios', 'none', '-m', '128M', '-kernel', elf, '-nographic'],
    qemuVersion: version,
  };
}

/** Does real QEMU boot the bare-metal hello with `-m bytes` (prints Hello, exits 0)? */
export function qemuBoots(bm: Baremetal, bytes: number): boolean {
  const argv = bm.argv.map((a, i) => (bm.argv[i - 1] === '-m' ? `${bytes / 1024}K` : a));
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return r.status === 0 && r.stdout.includes('Hello, world!');
}
