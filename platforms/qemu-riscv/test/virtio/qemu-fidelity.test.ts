// Differential tests for the virtio behaviours where the model once differed from QEMU 7.2 (issue 8
// §3): ISR after NEEDS_RESET, ConfigGeneration across reset, rng with device-readable descriptors, a
// direct chain ending in an INDIRECT descriptor, virtio-blk SCSI_CMD, virtio-net RX buffers too small
// for a frame and used.flags NO_NOTIFY, a zero-length TX. Each scenario runs on both; values must match.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { NetHub } from '../../src/machine/backends/net/hub';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';
import { oursSide, qemuMissing, qemuSide, type Side } from './qtest-sides';

if (qemuMissing) console.log(`[skip] QEMU fidelity differential: ${qemuMissing}`);

const SLOT7 = 0x10008000;
const RING = 0x80100000;
const TXRING = 0x80110000;
const BUF = 0x80200000;
const W = 2; // VIRTQ_DESC_F_WRITE
const N = 1; // VIRTQ_DESC_F_NEXT
const IND = 4; // VIRTQ_DESC_F_INDIRECT
type Out = Record<string, number | string>;

async function both(
  qemu: () => Promise<Side>,
  ours: () => Side,
  scenario: (s: Side) => Promise<Out>,
): Promise<{ theirs: Out; mine: Out }> {
  const q = await qemu();
  let theirs: Out;
  try {
    theirs = await scenario(q);
  } finally {
    await q.close();
  }
  const o = ours();
  try {
    return { theirs, mine: await scenario(o) };
  } finally {
    await o.close();
  }
}

/** virtio-rng, modern, 8-entry queue at RING. */
const rng = () => ({
  qemu: () => qemuSide(['virtio-rng-device']),
  ours: () => oursSide([new VirtioRng(counterRng())]),
});

describe.skipIf(qemuMissing !== null)('virtio fidelity vs real QEMU 7.2 (qtest)', () => {
  it('NEEDS_RESET: InterruptStatus reads 0x3; ConfigGeneration keeps counting across a reset', async () => {
    const { theirs, mine } = await both(rng().qemu, rng().ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 0, 1, [RING]);
      out.gen0 = await s.rl(SLOT7 + 0xfc);
      await s.offer(SLOT7, 0, RING, 0, [9]); // head index 9 >= queue size 8: a driver bug
      await s.settle(100);
      out.status = await s.rl(SLOT7 + 0x70);
      out.isr = await s.rl(SLOT7 + 0x60);
      out.gen1 = await s.rl(SLOT7 + 0xfc);
      await s.wl(SLOT7 + 0x64, 3);
      await s.wl(SLOT7 + 0x70, 0);
      out.genAfterReset = await s.rl(SLOT7 + 0xfc);
      out.isrAfterReset = await s.rl(SLOT7 + 0x60);
      return out;
    });
    expect(theirs).toMatchObject({ isr: 3, gen1: 1, genAfterReset: 1 });
    expect(mine).toEqual(theirs);
  }, 20_000);

  it('virtio-rng serves the writable part of a chain and ignores readable descriptors', async () => {
    const { theirs, mine } = await both(rng().qemu, rng().ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 0, 1, [RING]);
      // chain 0: readable 8 → writable 16; chain 2: readable only; chain 3: writable 16
      await s.desc(RING, 0, BUF, 8, N, 1);
      await s.desc(RING, 1, BUF + 0x100, 16, W);
      await s.offer(SLOT7, 0, RING, 0, [0]);
      out.used1 = await s.until(RING + 0x2002, 1);
      out.len1 = await s.rl(RING + 0x2008);
      await s.desc(RING, 2, BUF + 0x200, 8, 0);
      await s.desc(RING, 3, BUF + 0x300, 16, W);
      await s.offer(SLOT7, 0, RING, 1, [2, 3]);
      out.used2 = await s.until(RING + 0x2002, 3);
      out.ids = `${await s.rl(RING + 0x2004 + 8)},${await s.rl(RING + 0x2004 + 16)}`;
      out.lens = `${await s.rl(RING + 0x2008 + 8)},${await s.rl(RING + 0x2008 + 16)}`;
      out.status = await s.rl(SLOT7 + 0x70);
      return out;
    });
    expect(theirs).toMatchObject({ used1: 1, len1: 16, used2: 3, status: 0xf });
    expect(mine).toEqual(theirs);
  }, 20_000);

  it('a direct descriptor followed by an INDIRECT one is accepted (taken as a plain buffer, as QEMU)', async () => {
    const { theirs, mine } = await both(rng().qemu, rng().ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 1 << 28, 1, [RING]); // RING_INDIRECT_DESC
      await s.desc(BUF + 0x400, 0, BUF + 0x500, 16, W); // the table the INDIRECT descriptor names
      await s.desc(RING, 0, BUF, 8, N, 1);
      await s.desc(RING, 1, BUF + 0x400, 16, IND);
      await s.desc(RING, 2, BUF + 0x100, 16, W);
      await s.offer(SLOT7, 0, RING, 0, [0, 2]);
      out.used = await s.until(RING + 0x2002, 2);
      out.lens = `${await s.rl(RING + 0x2008)},${await s.rl(RING + 0x2010)}`;
      out.table = await s.rd(BUF + 0x500, 4);
      out.status = await s.rl(SLOT7 + 0x70);
      return out;
    });
    expect(theirs).toMatchObject({ used: 2, lens: '0,16', status: 0xf });
    expect(mine).toEqual(theirs);
  }, 20_000);

  it('virtio-blk SCSI_CMD: IOERR without the SCSI segments, else UNSUPP with errors=255', async () => {
    const qemu = () => {
      const img = join(mkdtempSync(join(tmpdir(), 'rk-fidelity-')), 'd.img');
      writeFileSync(img, new Uint8Array(1 << 20));
      return qemuSide(['virtio-blk-device,drive=d0'], false, [
        '-drive',
        `file=${img},if=none,format=raw,id=d0`,
      ]);
    };
    const ours = () => oursSide([new VirtioBlk(new MemoryBlockBackend('d0', 1 << 20))]);
    const { theirs, mine } = await both(qemu, ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 0, 1, [RING]);
      await s.wr(BUF, [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // type SCSI_CMD
      await s.wr(BUF + 0x100, new Array(16).fill(0x11));
      await s.wr(BUF + 0x200, new Array(16).fill(0xee));
      await s.wr(BUF + 0x300, [0xee]);
      // hdr / data-in / status
      await s.desc(RING, 0, BUF, 16, N, 1);
      await s.desc(RING, 1, BUF + 0x400, 512, W | N, 2);
      await s.desc(RING, 2, BUF + 0x300, 1, W);
      await s.offer(SLOT7, 0, RING, 0, [0]);
      out.used1 = await s.until(RING + 0x2002, 1);
      out.len1 = await s.rl(RING + 0x2008);
      out.status1 = await s.rd(BUF + 0x300, 1);
      // hdr / cdb / sense / scsi inhdr / status
      await s.wr(BUF + 0x300, [0xee]);
      await s.desc(RING, 3, BUF, 16, N, 4);
      await s.desc(RING, 4, BUF + 0x100, 16, N, 5);
      await s.desc(RING, 5, BUF + 0x600, 96, W | N, 6);
      await s.desc(RING, 6, BUF + 0x200, 16, W | N, 7);
      await s.desc(RING, 7, BUF + 0x300, 1, W);
      await s.offer(SLOT7, 0, RING, 1, [3]);
      out.used2 = await s.until(RING + 0x2002, 2);
      out.len2 = await s.rl(RING + 0x2010);
      out.status2 = await s.rd(BUF + 0x300, 1);
      out.inhdr = await s.rd(BUF + 0x200, 16);
      return out;
    });
    expect(theirs).toMatchObject({ len1: 513, status1: '0x01', len2: 113, status2: '0x02' });
    expect(mine).toEqual(theirs);
  }, 20_000);

  const net = () => {
    const hub = new NetHub();
    return {
      qemu: () => qemuSide(['virtio-net-device,netdev=n0'], true),
      ours: () => oursSide([new VirtioNet(hub.port('nic'))], hub),
    };
  };
  const frame = (n: number, seed: number) =>
    Uint8Array.from({ length: n }, (_, i) => (i < 6 ? 0xff : (i * seed) & 0xff));

  it('virtio-net RX: a frame too big for the buffer is dropped, the buffer stays; used.flags NO_NOTIFY', async () => {
    const n = net();
    const { theirs, mine } = await both(n.qemu, n.ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 0, 1, [RING, TXRING]); // VERSION_1 only: 12-byte header
      await s.wr(BUF, new Array(64).fill(0xcc));
      await s.desc(RING, 0, BUF, 64, W);
      await s.desc(RING, 1, BUF + 0x800, 2048, W);
      await s.offer(SLOT7, 0, RING, 0, [0, 1]);
      out.flags0 = await s.rw(RING + 0x2000);
      await s.inject(frame(100, 3));
      await s.settle();
      out.usedAfterBig = await s.rw(RING + 0x2002);
      out.flagsAfterBig = await s.rw(RING + 0x2000);
      await s.inject(frame(50, 5));
      out.used1 = await s.until(RING + 0x2002, 1);
      out.id1 = await s.rl(RING + 0x2004);
      out.len1 = await s.rl(RING + 0x2008);
      out.buf0 = await s.rd(BUF, 64);
      out.flags1 = await s.rw(RING + 0x2000);
      await s.inject(frame(50, 7));
      out.used2 = await s.until(RING + 0x2002, 2);
      await s.inject(frame(50, 9)); // no buffer left: QEMU asks to be notified again
      await s.settle();
      out.flagsEmpty = await s.rw(RING + 0x2000);
      out.isr = await s.rl(SLOT7 + 0x60);
      out.status = await s.rl(SLOT7 + 0x70);
      return out;
    });
    expect(theirs).toMatchObject({ usedAfterBig: 0, used1: 1, id1: 0, len1: 62, flagsEmpty: 0 });
    expect(mine).toEqual(theirs);
  }, 20_000);

  it('virtio-net RX with MRG_RXBUF: a frame spans buffers, num_buffers counts them; too few bytes wait', async () => {
    const n = net();
    const { theirs, mine } = await both(n.qemu, n.ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 1 << 15, 1, [RING, TXRING]); // MRG_RXBUF + VERSION_1
      await s.wr(BUF, new Array(256).fill(0xcc));
      for (let i = 0; i < 4; i++) await s.desc(RING, i, BUF + 64 * i, 64, W);
      await s.offer(SLOT7, 0, RING, 0, [0, 1, 2]);
      await s.inject(frame(150, 3)); // 12 + 150 = 162 bytes: 64 + 64 + 34
      out.used1 = await s.until(RING + 0x2002, 3);
      out.elems = (
        await Promise.all(
          [0, 1, 2].map(
            async (k) =>
              `${await s.rl(RING + 0x2004 + 8 * k)}:${await s.rl(RING + 0x2008 + 8 * k)}`,
          ),
        )
      ).join(',');
      out.bufs = await s.rd(BUF, 200);
      out.flags1 = await s.rw(RING + 0x2000);
      await s.offer(SLOT7, 0, RING, 3, [3]); // 64 bytes: not enough for 12 + 100
      await s.inject(frame(100, 5));
      await s.settle();
      out.usedWait = await s.rw(RING + 0x2002);
      out.flagsWait = await s.rw(RING + 0x2000);
      out.status = await s.rl(SLOT7 + 0x70);
      return out;
    });
    expect(theirs).toMatchObject({ used1: 3, elems: '0:64,1:64,2:34', usedWait: 3, flagsWait: 0 });
    expect(mine).toEqual(theirs);
  }, 20_000);

  it('virtio-net RX: readable descriptors before the writable ones are ignored; none writable is a bug', async () => {
    const n = net();
    const { theirs, mine } = await both(n.qemu, n.ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 0, 1, [RING, TXRING]);
      await s.desc(RING, 0, BUF, 8, N, 1);
      await s.desc(RING, 1, BUF + 0x100, 256, W);
      await s.desc(RING, 2, BUF + 0x200, 256, 0);
      await s.offer(SLOT7, 0, RING, 0, [0]);
      await s.inject(frame(60, 3));
      out.used1 = await s.until(RING + 0x2002, 1);
      out.len1 = await s.rl(RING + 0x2008);
      out.status1 = await s.rl(SLOT7 + 0x70);
      await s.offer(SLOT7, 0, RING, 1, [2]);
      await s.inject(frame(60, 5));
      await s.settle();
      out.used2 = await s.rw(RING + 0x2002);
      out.status2 = await s.rl(SLOT7 + 0x70);
      out.isr = await s.rl(SLOT7 + 0x60);
      return out;
    });
    expect(theirs).toMatchObject({ used1: 1, len1: 72, status1: 0xf, used2: 1, status2: 0x4f });
    expect(mine).toEqual(theirs);
  }, 20_000);

  it('virtio-net with EVENT_IDX: avail_event after RX and TX, interrupts per used_event', async () => {
    const n = net();
    const { theirs, mine } = await both(n.qemu, n.ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 1 << 29, 1, [RING, TXRING]); // RING_EVENT_IDX + VERSION_1
      for (let i = 0; i < 4; i++) await s.desc(RING, i, BUF + 0x800 * i, 2048, W);
      await s.offer(SLOT7, 0, RING, 0, [0, 1, 2, 3]);
      out.rxEvent0 = await s.rw(RING + 0x2004 + 8 * 8);
      await s.wr(RING + 0x1004 + 2 * 8, [5, 0]); // used_event = 5: no interrupt before used.idx 6
      await s.inject(frame(60, 3));
      out.used1 = await s.until(RING + 0x2002, 1);
      out.rxEvent1 = await s.rw(RING + 0x2004 + 8 * 8);
      out.isr1 = await s.rl(SLOT7 + 0x60);
      await s.wr(BUF + 0x3000, new Array(72).fill(0));
      await s.desc(TXRING, 0, BUF + 0x3000, 72, 0);
      await s.offer(SLOT7, 1, TXRING, 0, [0]);
      out.txUsed = await s.until(TXRING + 0x2002, 1);
      out.txEvent = await s.rw(TXRING + 0x2004 + 8 * 8);
      out.txFlags = await s.rw(TXRING + 0x2000);
      out.isr2 = await s.rl(SLOT7 + 0x60);
      return out;
    });
    expect(theirs).toMatchObject({ used1: 1, txUsed: 1 });
    expect(mine).toEqual(theirs);
  }, 20_000);

  it('virtio-net TX: a zero-length frame is never completed: NEEDS_RESET, used.flags NO_NOTIFY', async () => {
    const n = net();
    const { theirs, mine } = await both(n.qemu, n.ours, async (s) => {
      const out: Out = {};
      await s.initModern(SLOT7, 0, 1, [RING, TXRING]);
      await s.wr(BUF, new Array(12).fill(0));
      await s.wr(BUF + 12, frame(60, 11));
      await s.desc(TXRING, 0, BUF, 72, 0);
      await s.offer(SLOT7, 1, TXRING, 0, [0]);
      out.used1 = await s.until(TXRING + 0x2002, 1);
      out.len1 = await s.rl(TXRING + 0x2008);
      out.flags1 = await s.rw(TXRING + 0x2000);
      await s.desc(TXRING, 1, BUF, 12, 0); // header only
      await s.desc(TXRING, 2, BUF, 72, 0);
      await s.offer(SLOT7, 1, TXRING, 1, [1, 2]);
      await s.settle();
      out.used2 = await s.rw(TXRING + 0x2002);
      out.flags2 = await s.rw(TXRING + 0x2000);
      out.status = await s.rl(SLOT7 + 0x70);
      out.isr = await s.rl(SLOT7 + 0x60);
      return out;
    });
    // QEMU (no vnet-header backend): "virtio-net nothing to send" → NEEDS_RESET, nothing completed
    expect(theirs).toMatchObject({ used1: 1, len1: 0, used2: 1, status: 0x4f, isr: 3 });
    expect(mine).toEqual(theirs);
  }, 20_000);
});
