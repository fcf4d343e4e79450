// node:wasi with its database on the host kernel's own ext4: the same kind of disk the booted ext4
// runs get (a fresh copy of one mkfs.ext4 image file on /dev/shm), loop-mounted, journal and all.
// An fsync there runs Linux's jbd2 commit and the loop device's writes in kernel threads, whose CPU
// process.cpuUsage() does not see, so the bench adds the CPU of every kernel thread over the run.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';

/** A loop-mounted ext4 image: where it is mounted, and how to detach it (idempotent). */
export interface HostExt4 {
  dir: string;
  unmount(): void;
}

/**
 * Mounts `image` (an ext4 image file) read-write on a fresh directory in `parent` through a loop
 * device. Returns why it could not instead (not root, no loop devices, no ext4 in this kernel).
 */
export function mountHostExt4(image: string, parent: string): HostExt4 | string {
  if (process.getuid?.() !== 0) return 'not root: mounting a loop device needs root';
  const dir = nfs.mkdtempSync(join(parent, 'host-ext4-'));
  try {
    execFileSync('mount', ['-t', 'ext4', '-o', 'loop', image, dir], { stdio: 'pipe' });
  } catch (e) {
    nfs.rmdirSync(dir);
    return `mount -o loop ${image} failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  let mounted = true;
  return {
    dir,
    unmount() {
      if (!mounted) return;
      // Lazily: node:wasi holds its preopened directory's fd until its WASI object is collected,
      // and offers no way to close it. The loop device (autoclear) goes once that fd does.
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      mounted = false;
      nfs.rmdirSync(dir);
    },
  };
}

let ticksPerSecond = 0;

/**
 * CPU time of every kernel thread (kthreadd and its children: jbd2, the loop workers, kworkers),
 * ms, from /proc/<pid>/stat. Clock-tick granularity (10 ms); other jobs' kernel work counts too,
 * so it is an upper bound for the run's own.
 */
export function kernelThreadsCpuMs(): number {
  ticksPerSecond ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  let ticks = 0;
  for (const p of nfs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    let stat: string;
    try {
      stat = nfs.readFileSync(`/proc/${p}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // Fields after "(comm)": state ppid … utime (14th field overall) stime (15th).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (p === '2' || f[1] === '2') ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1000) / ticksPerSecond;
}
