// Records the real-program trace fixture: builds c/malloc_logger.c, runs `gcc -O2 -c` on a C file under
// LD_PRELOAD, converts the busiest process's log (cc1) and writes fixtures/alloc/cc1.rkat.gz.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { convertRawLog } from './convert';
import { encodeTrace } from './trace';

export function record(benchDir: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'rk-mlog-'));
  const so = join(dir, 'malloc_logger.so');
  const src = join(benchDir, 'src/alloc/c');
  execFileSync('gcc', ['-O2', '-shared', '-fPIC', '-o', so, join(src, 'malloc_logger.c')]);
  execFileSync('gcc', ['-O2', '-c', join(src, 'replay.c'), '-o', join(dir, 'replay.o')], {
    env: { ...process.env, LD_PRELOAD: so, MALLOC_LOG: join(dir, 'log') },
  });
  const logs = readdirSync(dir)
    .filter((f) => f.startsWith('log.'))
    .map((f) => join(dir, f));
  const biggest = logs.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  const trace = convertRawLog('cc1', new Uint8Array(readFileSync(biggest)));
  const out = join(benchDir, 'fixtures/alloc/cc1.rkat.gz');
  writeFileSync(out, gzipSync(encodeTrace(trace), { level: 9 }));
  console.log(`recorded ${trace.ops} ops (${trace.slots} slots) from ${biggest} into ${out}`);
}
