// ext4-journal: the booted half of the journal's crash test. Prints `have NAME SIZE CRC` for every
// file in /data (an ext4 disk mounted by vfs.fstab: a journal an earlier boot left is replayed at
// that mount). With `write` it then writes files, fsyncs each (`synced NAME SIZE CRC` once fsync
// returned), changes more without fsync and leaves an unlinked file open. Then: `crash` cuts the
// power (plat.power.shutdown: no term, nothing synced — the block cache is lost); `halt` powers off
// through rkboot (the terms run); `throw` panics (no term either); otherwise main returns and
// vfscore's term unmounts /data.
import { crc32c } from '@runikraft/ext4';
import type {} from '@runikraft/rkalloc';
import type { RkMainArgs } from '@runikraft/rkboot';
import type {} from '@runikraft/rksched';
import type { RkVfs } from '@runikraft/vfscore';
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_WRONLY } from '@runikraft/vfscore';

class AppError extends Error {}

function must<T>(what: string, r: T | number): T {
  if (typeof r === 'number' && r < 0) throw new AppError(`${what}: errno ${-r}`);
  return r as T;
}

const hex = (b: Uint8Array) => (crc32c(0xffffffff, b) >>> 0).toString(16);

/** Deterministic content for file `i` of round `round`. */
function content(round: number, i: number): Uint8Array {
  const n = 1000 + ((round * 7919 + i * 104729) % 60_000);
  const b = new Uint8Array(n);
  for (let k = 0; k < n; k++) b[k] = (k * 31 + i * 17 + round) & 0xff;
  return b;
}

async function list(v: RkVfs, say: (s: string) => void): Promise<string[]> {
  const fd = must('open /data', await v.open('/data', O_RDONLY | O_DIRECTORY));
  const names = must('readdir /data', await v.readdir(fd))
    .map((e) => e.name)
    .filter((n) => n.startsWith('f-'))
    .sort();
  must('close /data', await v.close(fd));
  for (const name of names) {
    const path = `/data/${name}`;
    const st = must(`stat ${path}`, await v.stat(path));
    const f = must(`open ${path}`, await v.open(path, O_RDONLY));
    const b = new Uint8Array(st.size);
    for (let got = 0; got < b.length; ) {
      const k = must(`read ${path}`, await v.pread(f, b.subarray(got), got));
      if (k === 0) throw new AppError(`read ${path}: EOF at ${got} of ${b.length}`);
      got += k;
    }
    must(`close ${path}`, await v.close(f));
    say(`have ${name} ${st.size} ${hex(b)}`);
  }
  return names;
}

async function write(v: RkVfs, round: number, say: (s: string) => void): Promise<void> {
  for (let i = 0; i < 12; i++) {
    const name = `f-${round}-${i}`;
    const data = content(round, i);
    const fd = must(`open ${name}`, await v.open(`/data/${name}`, O_WRONLY | O_CREAT, 0o644));
    must(`write ${name}`, await v.pwrite(fd, data, 0));
    must(`fsync ${name}`, await v.fsync(fd));
    must(`close ${name}`, await v.close(fd));
    say(`synced ${name} ${data.length} ${hex(data)}`);
  }
  // not synced: may or may not survive the cut, must not damage what was synced
  for (let i = 0; i < 6; i++) {
    const fd = must('open', await v.open(`/data/u-${round}-${i}`, O_WRONLY | O_CREAT, 0o644));
    must('write', await v.pwrite(fd, content(round + 100, i), 0));
    must('close', await v.close(fd));
  }
  must('unlink', await v.unlink(`/data/f-${round}-3`));
  say(`unlinked f-${round}-3 (not synced)`);
}

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const v = registry.get('vfscore');
  const say = (s: string) => plat.console.out(`ext4-journal: ${s}\n`);
  try {
    const names = await list(v, say);
    if (argv.includes('write')) {
      await write(v, names.length, say);
      // left open and unlinked: the shutdown's close of every descriptor frees it (an orphan)
      const fd = must('open', await v.open('/data/open-unlinked', O_WRONLY | O_CREAT, 0o644));
      must('write', await v.pwrite(fd, content(7, 7), 0));
      must('unlink', await v.unlink('/data/open-unlinked'));
    }
    if (argv.includes('crash')) {
      // the platform's switch: no term runs, nothing is synced or unmounted — a power cut
      say('power cut');
      plat.power.shutdown(0);
    }
    if (argv.includes('halt')) {
      // an orderly power-off from inside main: the terms run (vfscore unmounts /data) first
      say('halting');
      return await registry.get('rkboot').shutdown(0);
    }
    if (argv.includes('throw')) throw new Error('deliberate panic');
    // returning is enough: vfscore's term closes what is open and unmounts /data
    say('returning');
    return 0;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    say(`failed: ${e.message}`);
    return 1;
  }
}
