// Under -S (VM stopped) QEMU 7.2's virtio-rng and virtio-net leave their queues alone (vm_running
// checks) while virtio-blk still serves; the model with `paused` does the same, and starting the VM
// (boot) processes what waited. Differential against real QEMU through qtest.
import { describe, expect, it } from 'vitest';
import { NetHub } from '../../src/machine/backends/net/hub';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { Machine } from '../../src/machine/machine';
import { createQtestSession } from '../../src/machine/qtest';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';
import { qemuMissing, qemuSide, Side } from './qtest-sides';

const SLOT7 = 0x10008000;
const RING = 0x80100000;
const BUF = 0x80200000;
const W = 2; // VIRTQ_DESC_F_WRITE

function pausedSide(dev: VirtioRng | VirtioNet): { side: Side; m: Machine } {
  const m = new Machine({
    console: 'none',
    memory: 64 << 20,
    virtioForceLegacy: false,
    paused: true,
  });
  m.plugVirtio(dev);
  const session = createQtestSession(m.qtest);
  const side = new Side(
    'ours',
    async (l) => session(l),
    async () => {},
    async () => m.powerOff(0),
  );
  return { side, m };
}

/** One writable 16-byte buffer offered on queue `q`; @returns used.idx after a pause. */
async function offerOne(
  s: Side,
  q: number,
  features: [number, number],
  queues: number,
): Promise<number> {
  const rings = Array.from({ length: queues }, (_, i) => RING + i * 0x10000);
  await s.initModern(SLOT7, features[0], features[1], rings);
  await s.desc(rings[q], 0, BUF, 16, W);
  await s.offer(SLOT7, q, rings[q], 0, [0]);
  await s.settle(150);
  return s.rw(rings[q] + 0x2002);
}

describe.skipIf(qemuMissing !== null)('-S: queues wait while the VM is stopped (QEMU 7.2)', () => {
  it('virtio-rng serves nothing until the VM starts', async () => {
    const q = await qemuSide(['virtio-rng-device'], false, ['-S']);
    let theirs: number;
    try {
      theirs = await offerOne(q, 0, [0, 1], 1);
    } finally {
      await q.close();
    }
    const { side, m } = pausedSide(new VirtioRng(counterRng()));
    expect(await offerOne(side, 0, [0, 1], 1)).toBe(theirs);
    expect(theirs).toBe(0);
    void m.boot(async () => new Promise(() => {})); // the VM starts: the waiting request is served
    expect(await side.rw(RING + 0x2002)).toBe(1);
    await side.close();
  }, 20_000);

  it('virtio-net does not transmit while the VM is stopped', async () => {
    const q = await qemuSide(['virtio-net-device,netdev=n0'], true, ['-S']);
    let theirs: number;
    try {
      // TX queue 1: a readable buffer (header + frame); used.idx stays 0 while stopped.
      theirs = await offerTx(q);
    } finally {
      await q.close();
    }
    const hub = new NetHub();
    const { side } = pausedSide(new VirtioNet(hub.port('nic')));
    expect(await offerTx(side)).toBe(theirs);
    expect(theirs).toBe(0);
    await side.close();
  }, 20_000);
});

async function offerTx(s: Side): Promise<number> {
  const rings = [RING, RING + 0x10000];
  await s.initModern(SLOT7, 0, 1, rings);
  await s.wr(BUF, new Array(12 + 60).fill(0));
  await s.desc(rings[1], 0, BUF, 12 + 60, 0);
  await s.offer(SLOT7, 1, rings[1], 0, [0]);
  await s.settle(150);
  return s.rw(rings[1] + 0x2002);
}
