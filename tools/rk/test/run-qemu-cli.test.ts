// Differential test of `rk run` command lines against real qemu-system-riscv64 (7.2): each line is run
// with `-machine virt,dumpdtb=…` by both; they must agree on success or failure, and on the tree (dtc,
// rng-seed masked). Skips, saying why, without QEMU or dtc.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRk, machineExists, rk } from './helpers/rk-bin';

const have = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
const ready = machineExists && have('qemu-system-riscv64') && have('dtc');
if (!ready) console.log('run-qemu-cli: skipped: needs qemu-system-riscv64 and dtc');
const dir = mkdtempSync(join(tmpdir(), 'rk-qemu-cli-'));
afterAll(() => {
  cleanupRk();
  rmSync(dir, { recursive: true, force: true });
});

function dts(file: string): string {
  if (!existsSync(file)) return '(no file)';
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
  rmSync(file);
  return r.stdout.replace(/rng-seed = <[^>]*>;/, 'rng-seed = <masked>;');
}

/**
 * Command lines QEMU accepts (the first group) and refuses (the second). `-nic user` is accepted by
 * both; QEMU 7.2's virt then creates no NIC (a warning), rk a virtio-net-device (the tree is the same).
 */
const LINES = [
  '-nodefaults',
  '-chardev stdio,id=c0 -serial chardev:c0',
  '-chardev null,id=c0',
  '-rtc base=utc',
  '-rtc base=2020-01-02T03:04:05,clock=vm',
  '-object rng-random,id=r0,filename=/dev/urandom -device virtio-rng-device,rng=r0',
  '-object rng-builtin,id=r1 -device virtio-rng-device,rng=r1',
  '-nic none',
  '-nic user,model=virtio-net-device,restrict=on',
  '-netdev user,id=n0,restrict=on,net=10.9.0.0/16 -device virtio-net-device,netdev=n0',
  '-device virtio-net-device',
  '-m 16G',
  '-m 6G -smp 2',
  '-smp 4,sockets=2',
  '-smp sockets=2,cores=2,threads=2',
  '-smp 4,maxcpus=8',
  '-smp 0',
  '-serial none -monitor none -qtest-log none',
  '-device virtio-bogus-device',
  '-smp 4,sockets=3',
  '-smp 8,maxcpus=4',
  '-smp 4,dies=2',
  '-smp 513',
  '-device virtio-rng-device,rng=nope',
  '-object rng-random,id=r0,filename=/nonexistent/rng',
  '-chardev null',
  '-chardev null,id=a -chardev null,id=a',
  '-serial chardev:missing',
  '-netdev user,id=n0,host=10.0.3.2',
  '-netdev user,id=n0,dns=10.0.2.2',
  '-netdev user,id=n0,restrict=maybe',
  '-netdev user,id=n0,hostfwd=tcp:8080:80',
  '-netdev user,id=n0,hostfwd=tcp::80-:0',
  '-nic bogus',
  '-accel tcg',
  '-accel tcg,thread=single',
  '-accel tcg,thread=multi,tb-size=64,split-wx=off',
  '-machine virt,accel=tcg',
  '-machine accel=kvm:tcg',
  '-machine accel=kvm',
  '-accel tcg,thread=bogus',
  '-accel tcg,bogus=1',
  '-accel kvm',
];

describe.skipIf(!ready)('rk run accepts and refuses the command lines QEMU 7.2 does', () => {
  it.each(LINES)('%s', async (line) => {
    const args = line.split(' ');
    const q = join(dir, 'q.dtb');
    const m = join(dir, 'm.dtb');
    const qemu = spawnSync(
      'qemu-system-riscv64',
      ['-machine', `virt,dumpdtb=${q}`, '-display', 'none', ...args],
      { encoding: 'utf8', timeout: 30_000 },
    );
    const ours = await rk(['run', '-machine', `virt,dumpdtb=${m}`, ...args]);
    const verdict = (status: number | null) => (status === 0 ? 'accepted' : 'refused');
    expect(verdict(ours.status), ours.stderr).toBe(verdict(qemu.status));
    if (ours.status !== 0) expect(ours.stderr).toMatch(/^rk run: -/); // names the flag
    expect(dts(m)).toBe(dts(q));
  });

  it.each([
    ['0x5555', 0],
    ['0x33333', 3],
    ['0x7777', null],
  ])('--qtest stdio -S: writel 0x100000 %s ends the run as QEMU does', async (v, code) => {
    const input = `readl 0x1000\nwritel 0x100000 ${v}\nreadl 0x1000\n`;
    const base = ['-bios', 'none', '-display', 'none', '-serial', 'none', '-monitor', 'none'];
    const qemu = spawnSync(
      'qemu-system-riscv64',
      ['-machine', 'virt', ...base, '-qtest', 'stdio', '-S'],
      {
        input,
        encoding: 'utf8',
        timeout: 5000,
      },
    );
    const ours = await rk(['run', '-machine', 'virt', ...base, '-qtest', 'stdio', '-S'], { input });
    expect(ours.stdout.replace(/^\[[^\]]*\] /gm, '')).toBe(qemu.stdout);
    // QEMU keeps serving after RESET until killed (null status here); rk ends with its input.
    if (code !== null) expect([ours.status, qemu.status]).toEqual([code, code]);
    else expect(ours.status).toBe(0);
  });

  it('-m 16G boots no image: the model names the RAM limit instead of a range of -m values', async () => {
    const image = join(dir, 'image.mjs');
    writeFileSync(image, 'var RunikraftImage = { default: () => {} };\n');
    const r = await rk(['run', image, '-m', '16G']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^rk run: -m: memory: cannot set up guest memory of 16384 MiB: .*4096 MiB/,
    );
    expect(readFileSync(image, 'utf8')).toContain('var RunikraftImage');
  });
});
