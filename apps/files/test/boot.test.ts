// files boots in-process with the initrd rk build packed from runikraft.rootfs/: it reads
// /etc/config from there and keeps a log on ramfs. Broken or missing initrds stop the boot with
// a message naming what is wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImage, Machine, type MachineOptions } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { readCpio } from '@runikraft/rkcpio';
import { beforeAll, describe, expect, it } from 'vitest';

type Entry = Parameters<Machine['boot']>[0];
const appDir = fileURLToPath(new URL('..', import.meta.url));
let image: Entry;
let initrd: Uint8Array;
let manifestInitrd: string | undefined;

beforeAll(async () => {
  const built = await buildImage(appDir);
  image = loadImage(built.imagePath);
  manifestInitrd = built.manifest.initrd;
  initrd = new Uint8Array(readFileSync(join(appDir, 'build', 'initrd.cpio')));
}, 120_000);

async function boot(opts: MachineOptions) {
  let out = '';
  const exit = await new Machine({ memory: 64 << 20, ...opts, console: (t) => (out += t) }).boot(
    image,
  );
  return { exit, out };
}

describe('files', () => {
  it('rk build packs runikraft.rootfs into build/initrd.cpio and names it in the manifest', () => {
    expect(manifestInitrd).toBe('initrd.cpio');
    const names = readCpio(initrd).map((e) => e.name);
    expect(names).toEqual(['etc', 'etc/config', 'etc/config.link']);
  });
  for (const bios of ['default', 'none'] as const)
    it(`-bios ${bios}: reads /etc/config from the initrd and appends a log on ramfs`, async () => {
      const { exit, out } = await boot({ bios, initrd, append: 'rkboot.banner=off' });
      expect(out).toContain('vfscore: initrd: 3 entries unpacked to /\n');
      expect(out).toContain('config: greeting=Hello from the initrd\n');
      expect(out).toContain('log: /var/log/app.log 93 bytes, 3 lines\n');
      expect(out).toContain('entry 3: Hello from the initrd\n');
      expect(exit).toEqual({ status: 0, reason: 'poweroff' });
    });
  it('a malformed initrd stops the boot naming the entry and the field', async () => {
    const bad = initrd.slice();
    bad.set(new TextEncoder().encode('xx'), 6 + 6 * 8); // entry 0's filesize
    const { exit, out } = await boot({ initrd: bad, append: 'rkboot.banner=off' });
    expect(out).toContain(
      "cpio: entry 0 at offset 0: filesize: 'xx000000' is not 8 hexadecimal digits",
    );
    expect(exit.status).not.toBe(0);
  });
  it('no initrd at all is a clear boot error', async () => {
    const { exit, out } = await boot({ append: 'rkboot.banner=off' });
    expect(out).toContain('vfs.rootfs=initrd but the machine has no initrd (-initrd FILE)');
    expect(exit.status).not.toBe(0);
  });
});
