// Builds a bare-metal probe (fixtures/probe) with the RISC-V cross compiler and runs it on real QEMU:
// the re-check that keeps the recorded outputs honest where the tools are installed.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const probeDir = fileURLToPath(new URL('./fixtures/probe/', import.meta.url));

/** True if `cmd` is on PATH. */
export const have = (cmd: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** True when the probes can be rebuilt and run on QEMU; otherwise prints why the re-check is skipped. */
export function qemuToolsFor(what: string, extra: string[] = []): boolean {
  const missing = ['riscv64-unknown-elf-gcc', 'qemu-system-riscv64', ...extra].filter(
    (c) => !have(c),
  );
  if (missing.length > 0)
    console.log(`${what}: QEMU re-check skipped: ${missing.join(', ')} missing`);
  return missing.length === 0;
}

/**
 * Compiles `start` + `source` (files in fixtures/probe) with `linkScript` and runs the ELF on
 * `qemu-system-riscv64 -machine virt -nographic` plus `qemuArgs`.
 * @returns the compiler's stderr and QEMU's stdout without carriage returns.
 */
export function runProbeOnQemu(
  name: string,
  files: { linkScript: string; start: string; source: string },
  qemuArgs: string[],
): { ccErrors: string; stdout: string } {
  const elf = join(tmpdir(), `rk-${name}-${process.pid}.elf`);
  const cc = spawnSync(
    'riscv64-unknown-elf-gcc',
    [
      '-march=rv64ima_zicsr',
      '-mabi=lp64',
      '-mcmodel=medany',
      '-O1',
      '-ffreestanding',
      '-nostdlib',
      '-nostartfiles',
      '-Wl,--no-warn-rwx-segments',
      '-T',
      join(probeDir, files.linkScript),
      join(probeDir, files.start),
      join(probeDir, files.source),
      '-o',
      elf,
    ],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) return { ccErrors: cc.stderr || `gcc exited ${cc.status}`, stdout: '' };
  const q = spawnSync(
    'qemu-system-riscv64',
    ['-machine', 'virt', '-nographic', ...qemuArgs, '-kernel', elf],
    {
      encoding: 'utf8',
      timeout: 30_000,
      input: '',
    },
  );
  return { ccErrors: cc.stderr, stdout: q.stdout.replace(/\r/g, '') };
}
