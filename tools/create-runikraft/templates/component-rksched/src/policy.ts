// __LIB__'s scheduling policy: round-robin to start from. Ready threads wait in one FIFO queue; the
// running one is preempted when its time slice ends and another thread is ready. Priorities are not
// honoured (the kit is told so). The front end in @runikraft/rksched owns threads, waiting, timers
// and statistics; a policy only orders the ready threads.
import { Errno, RkError } from '@runikraft/errno';
import { type RkPolicyThread, RkRunQueue, type RkSchedPolicy } from '@runikraft/rksched/impl';

/** Creates the policy; `sliceNs` is the time a thread runs before another ready one gets the CPU. */
export function createPolicy(sliceNs = 10_000_000): RkSchedPolicy {
  if (!(Number.isFinite(sliceNs) && sliceNs > 0))
    throw new RkError(Errno.EINVAL, `__LIB__: slice ${sliceNs} ns must be a positive number`);
  const ready = new RkRunQueue();
  let slicesExpired = 0;
  return {
    name: '__LIB__',
    attach() {},
    admit() {},
    enqueue: (t: RkPolicyThread) => ready.pushBack(t),
    dequeue: (t: RkPolicyThread) => void ready.remove(t),
    pickNext: () => ready.popFront(),
    onBlock() {},
    onTick() {
      slicesExpired++;
      return ready.length > 0;
    },
    nextTick: (_t, dispatchedAt) => dispatchedAt + sliceNs,
    shouldPreempt: () => false,
    onRelease() {},
    onExit() {},
    onPrioChange() {},
    stats: () => ({ ready: ready.length, sliceNs, slicesExpired }),
  };
}
