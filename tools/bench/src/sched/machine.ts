// Context switches inside a booted image on the machine (host clock): builds apps/sched-<policy>,
// boots it with `-- bench` and reads the figure the guest prints.
import { join } from 'node:path';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { buildImage } from '../../../rk/src/index';

export async function machineSwitchNs(root: string, policy: string): Promise<number> {
  const { imagePath } = await buildImage(join(root, 'apps', `sched-${policy}`));
  const entry = loadImage(imagePath);
  let out = '';
  const m = new Machine({
    console: (t: string) => (out += t),
    clock: 'host',
    memory: 64 << 20,
    append: '-- bench',
  });
  const exit = await m.boot(entry);
  const hit = /bench: context switch (\d+) ns/.exec(out);
  if (exit.status !== 0 || !hit)
    throw new Error(`bench:sched: sched-${policy} image failed (status ${exit.status}):\n${out}`);
  return Number(hit[1]);
}
