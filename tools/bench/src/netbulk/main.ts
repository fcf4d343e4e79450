// Bulk TCP throughput (issue 9): MB/s of one connection guest ← host (the guest's tcpecho `sink`)
// and guest → host (`source`) through `-netdev user` (hostfwd on the host's loopback) and through
// TAP (the host end in a network namespace this job creates and removes), next to iperf3 host ↔ host
// on 127.0.0.1 measured in the same run. The host end is peer.mjs in its own process; every byte is
// checked (the guest hashes what it sank, the peer compares what it read with the pattern).
// Medians of RK_BENCH_REPEATS transfers of RK_BENCH_BULK_MB MiB; rewrites its BENCHMARKS.md section.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { freePort } from '../../../../apps/httpreply/test/support/nginx';
import {
  bootOnTap,
  bootOnUser,
  tapGuestUnavailable,
  userNetUnavailable,
} from '../../../../apps/httpreply/test/support/tap-guest';
import { BULK_PATTERN, FNV_INIT, fnv1a } from '../../../../apps/tcpecho/src/bulk';
import { median, missing, repoRoot, run } from '../net/tools';
import { type BulkRow, writeBulkSection } from './report';

const MB = Number(process.env.RK_BENCH_BULK_MB ?? 32);
const REPEATS = Number(process.env.RK_BENCH_REPEATS ?? 5);
const SECONDS = Number(process.env.RK_BENCH_SECONDS ?? 5);
const BYTES = MB * 1024 * 1024;
const log = (s: string) => process.stderr.write(`${s}\n`);
const PEER = join(repoRoot(), 'tools/bench/src/netbulk/peer.mjs');

/** FNV-1a of the first `n` bytes of the pattern stream, as the guest's sink reports it. */
function patternHash(n: number): string {
  let h = FNV_INIT;
  for (let left = n; left > 0; left -= BULK_PATTERN.length)
    h = fnv1a(h, BULK_PATTERN, Math.min(left, BULK_PATTERN.length));
  return h.toString(16).padStart(8, '0');
}

/** One peer.mjs transfer. @returns MB/s (10^6 bytes). @throws naming the peer's complaint. */
async function peer(mode: 'send' | 'recv', host: string, port: number, ns?: string) {
  const args = [PEER, mode, host, String(port), String(BYTES)];
  const r = ns
    ? await run('ip', ['netns', 'exec', ns, process.execPath, ...args], 600_000)
    : await run(process.execPath, args, 600_000);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`peer ${mode} failed: ${r.stdout}${r.stderr}`);
  const { bytes, seconds } = JSON.parse(line) as { bytes: number; seconds: number };
  return bytes / seconds / 1e6;
}

/** iperf3 -c 127.0.0.1 for SECONDS (reverse: the server sends). @returns MB/s received. */
async function iperf(reverse: boolean): Promise<number> {
  const port = await freePort();
  const srv = spawn('iperf3', ['-s', '-1', '-p', String(port)], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const args = ['-c', '127.0.0.1', '-p', String(port), '-t', String(SECONDS), '-J'];
    const r = await run('iperf3', reverse ? [...args, '-R'] : args, (SECONDS + 30) * 1000);
    const j = JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number } } };
    return j.end.sum_received.bits_per_second / 8 / 1e6;
  } finally {
    if (srv.exitCode === null) srv.kill('SIGTERM');
  }
}

interface Target {
  host: string;
  port: number;
  ns?: string;
  out(): string;
  stop(): Promise<unknown>;
}

/** Boots tcpecho in `role` for REPEATS connections and runs the peer against it each time. */
async function guestRuns(
  role: 'sink' | 'source',
  boot: (args: string) => Promise<Target>,
): Promise<number[]> {
  const args = role === 'sink' ? `sink=5001,${REPEATS}` : `source=5001,${BYTES},${REPEATS}`;
  const g = await boot(`-- ${args}`);
  const runs: number[] = [];
  try {
    for (let i = 0; i < REPEATS; i++)
      runs.push(await peer(role === 'sink' ? 'send' : 'recv', g.host, g.port, g.ns));
  } finally {
    await g.stop();
  }
  if (role === 'sink') {
    const want = `sank ${BYTES} bytes fnv1a=${patternHash(BYTES)}`;
    const seen = g.out().split(want).length - 1;
    if (seen !== REPEATS) throw new Error(`guest sank ${seen}/${REPEATS} intact:\n${g.out()}`);
  }
  return runs;
}

async function main(): Promise<void> {
  const why = missing(['iperf3']);
  if (why) throw new Error(`bench:netbulk needs ${why}`);
  const rows: BulkRow[] = [];
  const add = (path: string, dir: BulkRow['dir'], runs: number[]) => {
    rows.push({ path, dir, mbps: median(runs), runs });
    log(`${path} ${dir}: ${runs.map((x) => x.toFixed(1)).join(' / ')} MB/s`);
  };
  const load = [loadavg()[0]];
  for (const reverse of [false, true]) {
    const runs: number[] = [];
    for (let i = 0; i < REPEATS; i++) runs.push(await iperf(reverse));
    add('iperf3 host ↔ host, 127.0.0.1', reverse ? 'from-guest' : 'to-guest', runs);
  }
  const image = loadImage((await buildImage(join(repoRoot(), 'apps', 'tcpecho'))).imagePath);
  const notes: string[] = [];
  const userWhy = userNetUnavailable();
  if (userWhy) notes.push(`-netdev user rows skipped: ${userWhy}`);
  else
    for (const role of ['sink', 'source'] as const) {
      const runs = await guestRuns(role, async (a) => {
        const port = await freePort();
        const g = await bootOnUser(image, port, 5001, a, /listening on 5001/);
        return { host: '127.0.0.1', port, out: g.out, stop: g.stop };
      });
      add('-netdev user (hostfwd)', role === 'sink' ? 'to-guest' : 'from-guest', runs);
      load.push(loadavg()[0]);
    }
  const tapWhy = tapGuestUnavailable([]);
  if (tapWhy) notes.push(`TAP rows skipped: ${tapWhy}`);
  else
    for (const role of ['sink', 'source'] as const) {
      const runs = await guestRuns(role, async (a) => {
        const g = await bootOnTap(image, 'nb', a, /listening on 5001/);
        return { host: g.guestIp, port: 5001, ns: g.ns, out: g.out, stop: g.stop };
      });
      add('TAP (socat bridge, netns)', role === 'sink' ? 'to-guest' : 'from-guest', runs);
      load.push(loadavg()[0]);
    }
  writeBulkSection({ rows, notes, mb: MB, repeats: REPEATS, seconds: SECONDS, load });
}

await main();
