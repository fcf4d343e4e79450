// fsbench: the file-API workloads of the ext4 benchmarks (issue 11), run in a booted image on the
// directory argv[1] (an ext4 disk from vfs.fstab, or ramfs), each phase between a
// `fsbench: start <phase>` and a `fsbench: end <phase> <guest ns> <units>` line so the host can read
// its own CPU time at both. Phases: mount (mount=/dev/vdX:ext4[:options] mounts it here, timed),
// seq (write mb= MiB in 1 MiB calls + fsync, read it back; with passes=N, read it N times more into
// the same heap buffer, then N times into a buffer in guest RAM), rand (random= 4 KiB preads, then
// pwrites + fsync, in that file), small (files= empty files created, stat'ed, unlinked), untar (the
// GNU tar of tar=<disk>:<bytes> read raw from that disk, extracted, synced). Exit 0 when every
// call succeeded.
import type {} from '@runikraft/rkalloc';
import type { RkMainArgs } from '@runikraft/rkboot';
import type {} from '@runikraft/rksched';
import type { RkVfs } from '@runikraft/vfscore';
import { O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '@runikraft/vfscore';
import { TarError, tarEntries } from './tar';

class BenchError extends Error {}

function must<T>(what: string, r: T | number): T {
  if (typeof r === 'number' && r < 0) throw new BenchError(`${what}: errno ${-r}`);
  return r as T;
}

type Say = (s: string) => void;

async function phase(say: Say, now: () => number, name: string, f: () => Promise<number>) {
  say(`start ${name}`);
  const t0 = now();
  const units = await f();
  say(`end ${name} ${now() - t0} ${units}`);
}

async function seq(
  args: RkMainArgs,
  dir: string,
  bytes: number,
  passes: number,
  say: Say,
  now: () => number,
) {
  const v = args.registry.get('vfscore');
  const chunk = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
  await phase(say, now, 'seqwrite', async () => {
    const fd = must('open big', await v.open(`${dir}/big`, O_CREAT | O_WRONLY | O_TRUNC, 0o644));
    for (let at = 0; at < bytes; at += chunk.length)
      if (must('write big', await v.write(fd, chunk)) !== chunk.length)
        throw new BenchError('write big: short');
    must('fsync big', await v.fsync(fd));
    must('close big', await v.close(fd));
    return bytes;
  });
  const readAll = async (buf: Uint8Array) => {
    const fd = must('open big', await v.open(`${dir}/big`, O_RDONLY));
    let got = 0;
    for (let n: number; (n = must('read big', await v.read(fd, buf))) > 0; ) {
      if (got === 0 && buf[4095] !== ((4095 * 7) & 0xff))
        throw new BenchError('read big: wrong data');
      got += n;
    }
    must('close big', await v.close(fd));
    if (got !== bytes) throw new BenchError(`read big: ${got} of ${bytes} bytes`);
    return got;
  };
  const heap = new Uint8Array(chunk.length);
  await phase(say, now, 'seqread', () => readAll(heap));
  if (passes <= 0) return;
  // the same read `passes` times more: the steady state, once the first pass has warmed the JIT
  await phase(say, now, 'seqreadwarm', async () => {
    let got = 0;
    for (let p = 0; p < passes; p++) got += await readAll(heap);
    return got;
  });
  // and into a buffer in guest RAM, which the device fills itself (no copy out of a bounce buffer)
  const alloc = args.registry.get('rkalloc').default;
  const pa = alloc.memalign(4096, chunk.length);
  if (!pa) throw new BenchError('seqreadram: no memory for the buffer');
  const phys = args.plat.memory.phys;
  const ram = phys.u8.subarray(pa - phys.base, pa - phys.base + chunk.length);
  await phase(say, now, 'seqreadram', async () => {
    let got = 0;
    for (let p = 0; p < passes; p++) got += await readAll(ram);
    return got;
  });
  alloc.free(pa);
}

async function rand(v: RkVfs, dir: string, bytes: number, n: number, say: Say, now: () => number) {
  const fd = must('open big', await v.open(`${dir}/big`, O_RDWR));
  const b4 = new Uint8Array(4096);
  let x = 12345;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % (bytes / 4096)) * 4096;
  await phase(say, now, 'randread', async () => {
    for (let i = 0; i < n; i++) must('pread', await v.pread(fd, b4, next()));
    return n;
  });
  await phase(say, now, 'randwrite', async () => {
    for (let i = 0; i < n; i++) must('pwrite', await v.pwrite(fd, b4, next()));
    must('fsync', await v.fsync(fd));
    return n;
  });
  must('close big', await v.close(fd));
  must('unlink big', await v.unlink(`${dir}/big`));
}

async function small(v: RkVfs, dir: string, n: number, say: Say, now: () => number) {
  const names = Array.from({ length: n }, (_, i) => `${dir}/s/f${i}`);
  must('mkdir s', await v.mkdir(`${dir}/s`, 0o755));
  await phase(say, now, 'create', async () => {
    for (const p of names)
      must('close', await v.close(must(`create ${p}`, await v.open(p, O_CREAT | O_WRONLY, 0o644))));
    return n;
  });
  await phase(say, now, 'stat', async () => {
    for (const p of names) must(`stat ${p}`, await v.stat(p));
    return n;
  });
  await phase(say, now, 'unlink', async () => {
    for (const p of names) must(`unlink ${p}`, await v.unlink(p));
    return n;
  });
  must('rmdir s', await v.rmdir(`${dir}/s`));
}

/** The tar image: `bytes` from the start of raw disk `idx`, read in large requests. */
async function readTar({ registry }: RkMainArgs, idx: number, bytes: number): Promise<Uint8Array> {
  const dev = registry.get('rkblkdev').get(idx);
  if (!dev) throw new BenchError(`tar: no disk ${idx}`);
  const ss = dev.info().sectorSize;
  const per = Math.min(256, dev.info().maxSectorsPerReq);
  const pa = registry.get('rkalloc').default.memalign(4096, per * ss);
  if (!pa) throw new BenchError('tar: no memory for the read buffer');
  const out = new Uint8Array(Math.ceil(bytes / ss) * ss);
  const at = pa - dev.phys.base;
  for (let s = 0; s * ss < out.length; s += per) {
    const k = Math.min(per, out.length / ss - s);
    must('tar: read', await dev.read(s, k, pa));
    out.set(dev.phys.u8.subarray(at, at + k * ss), s * ss);
  }
  registry.get('rkalloc').default.free(pa);
  return out.subarray(0, bytes);
}

async function untar(v: RkVfs, dir: string, tar: Uint8Array): Promise<number> {
  let n = 0;
  for (const e of tarEntries(tar)) {
    const p = `${dir}/${e.path}`;
    n++;
    if (e.kind === 'dir') must(`mkdir ${p}`, await v.mkdir(p, e.mode || 0o755));
    else if (e.kind === 'symlink') must(`symlink ${p}`, await v.symlink(e.target, p));
    else if (e.kind === 'link') must(`link ${p}`, await v.link(`${dir}/${e.target}`, p));
    else {
      const fd = must(
        `create ${p}`,
        await v.open(p, O_CREAT | O_WRONLY | O_TRUNC, e.mode || 0o644),
      );
      for (let at = 0; at < e.data.length; )
        at += must(`write ${p}`, await v.write(fd, e.data.subarray(at)));
      must(`close ${p}`, await v.close(fd));
    }
  }
  must('sync', await v.sync());
  return n;
}

export default async function main(args: RkMainArgs): Promise<number> {
  const { argv, registry, plat } = args;
  const say: Say = (s) => plat.console.out(`fsbench: ${s}\n`);
  const now = () => plat.time.monotonicNs();
  const dir = argv[1];
  const opt = new Map(argv.slice(2).map((a) => [a.split('=')[0]!, a.slice(a.indexOf('=') + 1)]));
  if (!dir?.startsWith('/')) {
    say(
      'usage: fsbench <dir> [mount=/dev/vdX:ext4[:opts]] [phases=mount,seq,rand,small,untar] [mb=64] [passes=0] [random=4096] [files=2000] [tar=<disk>:<bytes>]',
    );
    return 2;
  }
  const v = registry.get('vfscore');
  const phases = (opt.get('phases') ?? 'mount,seq,rand,small,untar').split(',');
  const bytes = Number(opt.get('mb') ?? 64) << 20;
  try {
    // the directory on the ramfs root (a mount point, or where the ramfs figures are taken)
    const made = await v.mkdir(dir, 0o755);
    if (made < 0 && made !== -17) must(`mkdir ${dir}`, made);
    const m = opt.get('mount');
    if (m) {
      const [src, type, ...o] = m.split(':');
      if (phases.includes('mount'))
        await phase(say, now, 'mount', async () => {
          must(`mount ${src} on ${dir}`, await v.mount(src!, dir, type!, 0, o.join(':')));
          return 1;
        });
      else must(`mount ${src} on ${dir}`, await v.mount(src!, dir, type!, 0, o.join(':')));
    }
    if (phases.includes('seq'))
      await seq(args, dir, bytes, Number(opt.get('passes') ?? 0), say, now);
    if (phases.includes('rand') && phases.includes('seq'))
      await rand(v, dir, bytes, Number(opt.get('random') ?? 4096), say, now);
    if (phases.includes('small')) await small(v, dir, Number(opt.get('files') ?? 2000), say, now);
    const t = opt.get('tar');
    if (phases.includes('untar') && t) {
      const [disk, len] = t.split(':').map(Number);
      const tar = await readTar(args, disk!, len!);
      await phase(say, now, 'untar', () => untar(v, `${dir}`, tar));
    }
    if (m) must(`umount ${dir}`, await v.umount(dir));
  } catch (e) {
    if (!(e instanceof BenchError) && !(e instanceof TarError)) throw e;
    say(`failed: ${e.message}`);
    return 1;
  }
  say('done');
  return 0;
}
