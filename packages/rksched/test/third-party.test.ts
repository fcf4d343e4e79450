// A minimal third-party policy (plain FIFO, no slicing) passes the kit with the same two lines a
// published policy package would write.
import { describeRkSched } from '../src/conformance';
import { createSched, RkRunQueue, type RkSchedPolicy } from '../src/impl';

function fifo(): RkSchedPolicy {
  const q = new RkRunQueue();
  return {
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
    stats: () => ({ ready: q.length }),
  };
}

describeRkSched('third-party fifo', (plat) => createSched(plat, fifo()));
