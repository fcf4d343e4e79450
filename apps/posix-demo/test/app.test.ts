// posix-demo boots in-process (virtual clock): pthreads, a pipe, an eventfd, epoll, poll, a mutex
// and a condition variable in one image, output through the process's descriptor 1 (the console).
import { fileURLToPath } from 'node:url';
import { loadImage, Machine } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('posix-demo', () => {
  it('producers, consumer, poll timeout and the summary file all check out; exit 0', async () => {
    const image = loadImage((await buildImage(appDir)).imagePath);
    let out = '';
    const exit = await new Machine({
      memory: 64 << 20,
      clock: 'virtual',
      append: 'rkboot.banner=off',
      console: (t) => (out += t),
    }).boot(image);
    if (process.env.RK_SHOW) console.log(out);
    expect(out).toMatch(/posix-demo: pid 1 on Runikraft riscv64, DEMO=posix\n/);
    expect(out).toContain(
      'posix-demo: 4 producers x 50 records of 512 bytes through a pipe: 200 whole, in order per producer\n',
    );
    expect(out).toContain('posix-demo: poll on an empty pipe timed out after 25.0');
    expect(out).toContain('posix-demo: /summary.txt: consumed=200 fails=0\n');
    expect(out).toContain('posix-demo: all checks passed\n');
    expect(exit.status, out).toBe(0);
  }, 180_000);
});
