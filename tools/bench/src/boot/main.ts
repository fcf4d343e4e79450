// `pnpm --filter @runikraft/bench bench:boot`: boot time in-process (virtual and host clock), the
// whole `rk run` process, image size, minimum -m, and real QEMU booting a bare-metal hello in the
// same run; prints ratios and writes the "Boot (issue 2)" section of BENCHMARKS.md (issue 2 §6).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  buildImage,
  formatQemuSize,
  loadImageFile,
  loadMachine,
  type RkMachineOptions,
} from '@runikraft/rk';
import { prepareBaremetal, qemuBoots } from './baremetal';
import { bisect, bootSamples, minimumMemory } from './inproc';
import { timeProcess } from './process';
import { type BootFigures, writeBootSection } from './report';
import { fmtMs, median, percentile } from './stats';

const find = (start: string, marker: string): string => {
  for (let d = start; ; d = dirname(d))
    if (existsSync(join(d, marker)) || dirname(d) === d) return d;
};
const repo = find(process.cwd(), 'pnpm-workspace.yaml');
const benchDir = join(repo, 'tools', 'bench');
const runs = Number(process.env.RK_BENCH_RUNS ?? 50);
const procRuns = Number(process.env.RK_BENCH_PROC_RUNS ?? 10);

const base: RkMachineOptions = {
  memory: 128 * 2 ** 20,
  smp: 1,
  aclint: false,
  bios: 'default',
  clock: 'virtual',
  append: '',
  virtioMmioForceLegacy: true,
};

async function main(): Promise<void> {
  const app = join(repo, 'apps', 'helloworld');
  const { imagePath, manifest } = await buildImage(app);
  const image = readFileSync(imagePath);
  const entry = await loadImageFile(imagePath);
  const factory = await loadMachine();
  console.log(
    `image: ${manifest.imageBytes} bytes (${gzipSync(image).length} gzipped), ${manifest.libraries.length} libraries`,
  );

  const inproc: BootFigures['inproc'] = [];
  for (const [clock, bios] of [
    ['virtual', 'default'],
    ['host', 'default'],
    ['virtual', 'none'],
  ] as const) {
    const s = await bootSamples(factory, entry, { ...base, clock, bios }, runs);
    const row = {
      clock,
      bios,
      runs,
      toMain: median(s.map((x) => x.toMain)),
      toMainP90: percentile(
        s.map((x) => x.toMain),
        90,
      ),
      toExit: median(s.map((x) => x.toExit)),
    };
    inproc.push(row);
    console.log(
      `in-process, clock ${clock}, bios ${bios}: machine→main ${fmtMs(row.toMain)} (p90 ${fmtMs(row.toMainP90)}), →power-off ${fmtMs(row.toExit)} (median of ${runs})`,
    );
  }

  const minMem = await minimumMemory(factory, entry, base);
  console.log(
    `minimum -m that boots helloworld: ${formatQemuSize(minMem.bytes)}${minMem.machineFloor ? " (the machine model's own lower limit)" : ''}`,
  );
  const minMemBare = await minimumMemory(factory, entry, { ...base, bios: 'none' });
  console.log(
    `minimum -m that boots helloworld with -bios none: ${formatQemuSize(minMemBare.bytes)}`,
  );

  const dist = join(repo, 'tools/rk/dist/bin.js');
  const bin = existsSync(dist) ? dist : devBin();
  const rkArgv = [process.execPath, bin, 'run', 'apps/helloworld'];
  const rkProc = timeProcess(rkArgv, procRuns, repo);
  console.log(
    `rk run apps/helloworld (whole process): ${fmtMs(rkProc.median)} (median of ${rkProc.runs}, ${rkProc.tool})`,
  );
  const nodeProc = timeProcess([process.execPath, '-e', '0'], procRuns, repo);
  console.log(`node -e 0 (Node start-up alone): ${fmtMs(nodeProc.median)}`);

  const bm = prepareBaremetal(benchDir, join(benchDir, '.rk'));
  let qemu: BootFigures['qemu'];
  if (typeof bm === 'string') console.log(`real QEMU baseline skipped: ${bm}`);
  else {
    const t = timeProcess(bm.argv, procRuns, repo);
    qemu = {
      version: bm.qemuVersion,
      median: t.median,
      runs: t.runs,
      command: bm.argv.map((a) => a.replace(`${repo}/`, '')).join(' '),
    };
    const qemuMin = await bisect((b) => qemuBoots(bm, b), 128 * 2 ** 20);
    if (qemu && qemuMin) qemu.minMemory = qemuMin;
    console.log(
      `real QEMU, minimum -m for the bare-metal hello: ${qemuMin ? formatQemuSize(qemuMin) : 'none found'}`,
    );
    console.log(
      `real QEMU, bare-metal hello (-bios none): ${fmtMs(t.median)} (median of ${t.runs}); rk run / QEMU = ${(rkProc.median / t.median).toFixed(2)}×`,
    );
  }
  const figures: BootFigures = {
    date: new Date().toISOString().slice(0, 10),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    node: process.version,
    imageBytes: manifest.imageBytes,
    imageGzip: gzipSync(image).length,
    libraries: manifest.libraries.map((l) => l.name),
    inproc,
    minMemory: minMem.bytes,
    minMemoryMachineFloor: minMem.machineFloor,
    minMemoryBare: minMemBare.bytes,
    rkProcess: {
      median: rkProc.median,
      runs: rkProc.runs,
      tool: rkProc.tool,
      bin: bin.replace(`${repo}/`, ''),
    },
    nodeStartup: nodeProc.median,
    ...(qemu ? { qemu } : {}),
  };
  const file = join(repo, 'BENCHMARKS.md');
  writeBootSection(file, figures);
  console.log(`wrote the "Boot (issue 2)" section of ${file}`);
}

/** rk's bin bundled from the current sources (when `pnpm build` has not made dist/bin.js). */
function devBin(): string {
  const out = join(repo, 'tools/rk/.rk/rk-bench.mjs');
  const r = spawnSync(process.execPath, [join(repo, 'tools/rk/scripts/bundle-bin.mjs'), out], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bundling rk failed: ${r.stderr}`);
  return out;
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench:boot failed: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
