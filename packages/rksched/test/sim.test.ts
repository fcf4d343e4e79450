import { describe, expect, it } from 'vitest';
import { createSimPlat } from '../src/sim';

describe('createSimPlat', () => {
  it('jumps the clock to the timer at a halt and fires it; polls consume the CPU quantum', async () => {
    const p = createSimPlat({ cpuNsPerPoll: 5 });
    let fired = -1;
    p.time.setTimer(1000, () => (fired = p.time.monotonicNs()));
    expect(p.lcpu.poll()).toBeNull();
    expect(p.time.monotonicNs()).toBe(5);
    await p.lcpu.halt();
    expect(fired).toBe(1000);
    await p.lcpu.haltUntil(1500);
    expect(p.time.monotonicNs()).toBe(1500);
    await expect(p.lcpu.halt()).rejects.toThrow(/deadlock/);
  });

  it('delivers device interrupts only with interrupts enabled', () => {
    const p = createSimPlat();
    let n = 0;
    expect(p.irq.register(3, () => ++n > 0)).toBe(0);
    const f = p.lcpu.irqSave();
    p.raise(3);
    p.lcpu.poll();
    expect(n).toBe(0);
    p.lcpu.irqRestore(f);
    p.lcpu.poll();
    expect(n).toBe(1);
    expect(p.irq.count(3)).toBe(1);
    expect(p.irq.register(-1, () => true)).toBe(-22);
  });
});

describe('thread CPU time', () => {
  it('includes the running slice', async () => {
    const { createSched } = await import('../src/sched');
    const { RkRunQueue } = await import('../src/run-queue');
    const p = createSimPlat({ cpuNsPerPoll: 100 });
    const q = new RkRunQueue();
    const sched = createSched(p, {
      name: 'fifo',
      attach() {},
      admit: () => 0,
      enqueue: (t) => q.pushBack(t),
      dequeue: (t) => void q.remove(t),
      pickNext: () => q.popFront(),
      onBlock() {},
      onTick: () => false,
      nextTick: () => Number.POSITIVE_INFINITY,
      shouldPreempt: () => false,
      onRelease() {},
      onExit() {},
      onPrioChange() {},
      stats: () => ({}),
    });
    await sched.runMain(async () => {
      const before = sched.current().cpuNs;
      for (let i = 0; i < 10; i++) await sched.preemptPoint();
      expect(sched.current().cpuNs - before).toBe(1000);
      return 0;
    });
  });
});
