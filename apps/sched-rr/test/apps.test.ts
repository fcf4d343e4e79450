// Boots the sched-rr, sched-edf and sched-mlq images in-process on the machine (virtual clock) and
// checks each scenario's console line and the exit status.
import { buildImage } from '@runikraft/rk';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';

for (const [policy, bios] of [
  ['rr', 'default'],
  ['edf', 'default'],
  ['mlq', 'default'],
  ['edf', 'none'],
] as const) {
  describe(`app sched-${policy} (-bios ${bios})`, () => {
    it('runs the mailbox, mutex, periodic-timer and signal scenarios and exits 0', async () => {
      const { imagePath } = await buildImage(
        new URL(`../../sched-${policy}`, import.meta.url).pathname,
      );
      const entry = loadImage(imagePath);
      let out = '';
      const host0 = performance.now();
      const m = new Machine({
        console: (t: string) => (out += t),
        clock: 'virtual',
        memory: 64 << 20,
      });
      const exit = await m.boot(entry);
      if (process.env.RK_SHOW) console.log(out);
      expect(out).toContain(`sched: policy ${policy}`);
      expect(out).toContain('mailbox: 150 messages from 3 producers to 2 consumers, sum ok');
      expect(out).toContain('mutex: 8 threads x 100 increments = 800, max inside 1');
      expect(out).toMatch(/timer: 10 activations every 10 ms, worst jitter \d+ ns/);
      expect(out).toContain(
        'signal: 10 s sleep interrupted after 5 ms (EINTR), handler: sleeper got signal 10',
      );
      expect(out).toContain('sleep: nanosleep(10 s) returned 0 after 10.000000 s of guest time');
      expect(out).toContain('sched demo: all scenarios passed');
      expect(exit.status, out).toBe(0);
      expect(performance.now() - host0).toBeLessThan(8_000); // includes 10 s of guest sleep
    }, 60_000);
  });
}

describe('app sched-rr on the host clock', () => {
  it('a CPU-bound thread is preempted at its preemption points so a sleeper wakes on time', async () => {
    const { imagePath } = await buildImage(new URL('../../sched-rr', import.meta.url).pathname);
    const entry = loadImage(imagePath);
    let out = '';
    const m = new Machine({
      console: (t: string) => (out += t),
      clock: 'host',
      memory: 64 << 20,
      // A 1 ms slice: the sleeper may wait for the hog's slice to end. Judged in preemptions, not host
      // time, so a loaded host that deschedules the machine cannot fail it (scenarios.ts, preemption).
      append: 'rksched-rr.slice_us=1000 -- preempt',
    });
    const exit = await m.boot(entry);
    if (process.env.RK_SHOW) console.log(out);
    expect(out).toMatch(
      /preempt: sleeper woke \d+\.\d+ ms late beside a CPU-bound thread \(\d+ preemption points, [1-9]\d* preemptions; the hog still running, which ran [0-3]\.\d\d ms past the deadline, host stalls excluded, [012] preemption\(s\) after it saw the deadline\)/,
    );
    expect(exit.status, out).toBe(0);
  }, 60_000);
});

describe('app sched-rr on -smp 4 (one scheduler core per hart)', () => {
  for (const bios of ['default', 'none'] as const)
    it(`-bios ${bios}: the image starts its secondaries and every scenario passes across 4 harts`, async () => {
      const { imagePath } = await buildImage(new URL('../../sched-rr', import.meta.url).pathname);
      const entry = loadImage(imagePath);
      let out = '';
      const m = new Machine({
        console: (t: string) => (out += t),
        clock: 'virtual',
        memory: 64 << 20,
        smp: 4,
        bios,
      });
      const exit = await m.boot(entry);
      expect(out).toContain('mutex: 8 threads x 100 increments = 800, max inside 1');
      expect(out).toContain('sched demo: all scenarios passed');
      expect(exit.status, out).toBe(0);
      expect(m.stats.hartSwitches).toBeGreaterThan(100); // the threads really ran on several harts
    }, 60_000);
});

describe('JavaScript globals installed by rksched-rr, rktime and rkswrand', () => {
  it('Date.now and performance.now follow guest time: a 10 s sleep is +10 s and takes no host time', async () => {
    const dir = new URL('./fixtures/globals', import.meta.url).pathname;
    const entry = loadImage((await buildImage(dir)).imagePath);
    let out = '';
    const host0 = performance.now();
    const m = new Machine({ console: (t: string) => (out += t), clock: 'virtual' });
    const exit = await m.boot(entry);
    const hostMs = performance.now() - host0;
    expect(out).toContain(
      'globals: 10 s sleep: Date.now +10000 ms, performance.now +10000.000 ms, new Date() advanced',
    );
    expect(out).toContain('globals: timers fired [once@5000], interval ticks 3, microtask true');
    expect(out).toContain('globals: random bytes non-zero, Math.random in [0, 1), uuid true');
    expect(exit.status, out).toBe(0);
    expect(hostMs).toBeLessThan(5_000);
  }, 60_000);
});
