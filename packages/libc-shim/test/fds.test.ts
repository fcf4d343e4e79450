// WASIX's descriptor calls (fds-ext.ts) through libc-shim's C side (rk_fds.c, <unistd.h>,
// <sys/epoll.h>, wasi-libc's <sys/eventfd.h>): a corpus of small C programs built twice — natively
// with gcc and glibc on Linux, the reference, and to wasm with rk build's toolchain — run and
// compared on stdout and exit status, under both suspension mechanisms. node:wasi has none of these
// calls, so Linux is the differential peer here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasJspi, runWasi } from '../src/index';
import { onNodeWasi, program } from './helpers';
import { netKernel } from './net-kernel';

const CORPUS = ['pipe.c', 'pipe2.c', 'eventfd.c', 'epoll.c', 'poll.c', 'dup.c', 'pipesem.c'];
const CFLAGS = ['-D_GNU_SOURCE'];

const noGcc = spawnSync('sh', ['-c', 'command -v gcc']).status !== 0;
if (noGcc) console.log('[skip] fds corpus: gcc is not installed (Debian: gcc)');

/** The program built natively and run in a scratch directory: Linux's answer. */
function native(file: string): { status: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rk-fds-'));
  try {
    const exe = join(dir, 'a.out');
    const cc = spawnSync(
      'gcc',
      ['-O1', '-Wall', ...CFLAGS, '-o', exe, join(__dirname, 'programs', 'fds', file)],
      { encoding: 'utf8' },
    );
    if (cc.status !== 0) throw new Error(`gcc ${file}: ${cc.stderr}`);
    const r = spawnSync(exe, [], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    return { status: r.status ?? -1, out: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The program on libc-shim (with an rknet stack for its sockets), in the scheduler's main thread. */
async function onShim(
  file: string,
  suspend: 'asyncify' | 'jspi',
): Promise<{ status: number; out: string }> {
  const wasm = readFileSync(program(join('fds', file), CFLAGS));
  const { k, out, sched, stack } = await netKernel();
  let status = -1;
  await sched.runMain(async () => {
    status = (await runWasi(k, wasm, { args: [file], suspend })).status;
    return 0;
  });
  stack.stop();
  return { status, out: await out() };
}

describe.skipIf(noGcc)('the descriptor corpus: libc-shim = Linux', () => {
  for (const file of CORPUS)
    for (const suspend of ['asyncify', 'jspi'] as const)
      it.skipIf(suspend === 'jspi' && !hasJspi())(
        `${file} (${suspend})`,
        async () => {
          const want = native(file);
          const got = await onShim(file, suspend);
          expect(got.out).toBe(want.out);
          expect(got.status).toBe(want.status);
        },
        300_000,
      );
});

describe('fcntl(F_DUPFD) without a cost for programs that do not ask for it', () => {
  const imports = (path: string) =>
    WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(path))).map(
      (i) => `${i.module}.${i.name}`,
    );

  for (const opt of ['-O0', '-O2'])
    it(`flag commands only (${opt}): preview1 imports alone, and the program runs on node:wasi`, () => {
      const wasm = program('fcntl-flags.c', [opt]);
      const got = imports(wasm);
      expect(got).toContain('wasi_snapshot_preview1.fd_fdstat_set_flags');
      expect(got.filter((i) => !i.startsWith('wasi_snapshot_preview1.'))).toEqual([]);
      // A plain preview1 runtime.
      const r = onNodeWasi(wasm);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('getfl 1 setfl 0 0 getfd 1\n');
      expect(r.status).toBe(0);
    });

  it('a program that asks for F_DUPFD imports WASIX fd_dup2', () => {
    expect(imports(program(join('fds', 'pipesem.c'), CFLAGS))).toContain('wasix_32v1.fd_dup2');
  });
});
