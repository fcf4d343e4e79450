// Runs a qtest script against real qemu-system-riscv64 (held with -S, -bios none) and collects one reply
// line per command. QEMU does not exit at the end of its qtest input, so it is killed once all replies came.
import { spawn, spawnSync } from 'node:child_process';

/** @returns the reply lines, or a string saying why QEMU could not be used. */
export async function runQemuQtest(
  script: readonly string[],
  extraArgs: string[] = [],
): Promise<string[] | string> {
  if (spawnSync('sh', ['-c', 'command -v qemu-system-riscv64']).status !== 0)
    return 'qemu-system-riscv64 is not installed (apt-get install qemu-system-misc)';
  const args = [
    '-machine',
    'virt',
    '-m',
    '128M',
    '-bios',
    'none',
    '-nographic',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'none',
    '-qtest',
    'stdio',
    '-qtest-log',
    '/dev/null',
    '-S',
    ...extraArgs,
  ];
  return new Promise((resolve) => {
    const p = spawn('qemu-system-riscv64', args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      resolve(
        `qemu-system-riscv64 answered ${out.split('\n').length - 1} of ${script.length} commands in 60 s`,
      );
    }, 60_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve(`qemu-system-riscv64 exited (${code}) after ${out.split('\n').length - 1} replies`);
    });
    p.on('error', (e) => {
      clearTimeout(timer);
      resolve(`qemu-system-riscv64 failed to start: ${e.message}`);
    });
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const lines = out.split('\n').filter((l) => l !== '');
      // Asynchronous `IRQ raise/lower N` lines come on top of one reply per command.
      if (lines.filter((l) => !l.startsWith('IRQ ')).length >= script.length) {
        clearTimeout(timer);
        p.kill('SIGKILL');
        resolve(lines);
      }
    });
    p.stdin.end(`${script.join('\n')}\n`);
  });
}
