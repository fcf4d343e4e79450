// Host-realm harness: vfscore over ramfs with fds 0–2 on files (so a test reads what the program
// printed), a fake clock, and programs built from test/programs with the real toolchain.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createRamfsType } from '@runikraft/ramfs';
import { buildWasm } from '@runikraft/rk';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import type { RkPhysMem } from '@runikraft/rkplat';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { O_CREAT, O_RDONLY, O_RDWR, RkVfsCore } from '@runikraft/vfscore';
import { expect } from 'vitest';
import type { WasiKernel } from '../src/index';

/** libc-shim's C side, as rk build adds it to an app's C/C++ program. */
export const SHIM = {
  include: join(__dirname, '..', 'c', 'include'),
  sources: ['rk_fds.c', 'rk_socket.c', 'rk_services.c', 'rk_utimens.c'].map((f) =>
    join(__dirname, '..', 'c', f),
  ),
};

export const program = (name: string, cflags: string[] = []): string =>
  buildWasm({ sources: [join(__dirname, 'programs', name)], cflags, shim: SHIM });

/**
 * Runs the .wasm at `path` on node:wasi, a plain preview1 runtime, in a process of its own whose
 * stdin is a host pipe carrying `input`.
 */
export function onNodeWasi(path: string, input = ''): SpawnSyncReturns<string> {
  const script = `import { WASI } from 'node:wasi'; import { readFileSync } from 'node:fs';
    const w = new WASI({ version: 'preview1', args: [], env: {}, returnOnExit: true });
    const m = new WebAssembly.Module(readFileSync(${JSON.stringify(path)}));
    process.exitCode = w.start(new WebAssembly.Instance(m, { wasi_snapshot_preview1: w.wasiImport }));`;
  return spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    input,
  });
}

export async function testKernel(
  stdin = '',
): Promise<{ k: WasiKernel; vfs: RkVfsCore; out: () => Promise<string> }> {
  const size = 32 << 20;
  const buffer = new SharedArrayBuffer(size);
  const phys: RkPhysMem = {
    buffer,
    base: 0x80000000,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  let ms = Date.UTC(2026, 0, 1);
  const vfs = new RkVfsCore({
    now: () => {
      ms++;
      return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
    },
  });
  vfs.registerFsType(createRamfsType(createBuddyAlloc(phys, phys.base, size)));
  expect(await vfs.mount('none', '/', 'ramfs')).toBe(0);
  expect(await vfs.mkdir('/tmp', 0o777)).toBe(0);
  const fin = await vfs.open('/.stdin', O_CREAT | O_RDWR, 0o644);
  await vfs.write(fin, new TextEncoder().encode(stdin));
  await vfs.lseek(fin, 0, 0);
  expect(fin).toBe(0);
  expect(await vfs.open('/.stdout', O_CREAT | O_RDWR, 0o644)).toBe(1);
  expect(await vfs.open('/.stderr', O_CREAT | O_RDWR, 0o644)).toBe(2);
  let mono = 0n;
  // The scheduler only parks a program's waits on descriptors that are not ready; these tests'
  // descriptors are files, always ready, so it is never run.
  const sched = createSched(createSimPlat(), createRrPolicy());
  const k: WasiKernel = {
    vfs,
    sched,
    clockNs: (id) => (id === 0 ? BigInt(ms) * 1_000_000n : id <= 3 ? (mono += 1000n) : null),
    clockResNs: 1n,
    random: (b) => crypto.getRandomValues(b),
    yield: async () => {},
    sleepNs: async (ns) => {
      mono += BigInt(ns);
    },
  };
  const out = async () => {
    const fd = await vfs.open('/.stdout', O_RDONLY);
    const b = new Uint8Array(1 << 20);
    const n = await vfs.read(fd, b);
    await vfs.close(fd);
    return new TextDecoder().decode(b.subarray(0, n));
  };
  return { k, vfs, out };
}
