// rknetdev packets per second over virtio-net: TX only, RX only, and end to end between two NICs on
// an in-process hub, for 64 B and 1500 B frames; plus Node's UDP loopback as the same-run baseline.
import { createSocket } from 'node:dgram';
import { netbufWrite, type RkNetbuf } from '../../../../packages/rknetdev/src/index';
import { NetHub } from '../../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { VirtioNet } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { rig, startNic } from './rig';

export interface PpsRow {
  readonly what: string;
  readonly size: number;
  readonly pps: number;
}

function frame(size: number): Uint8Array {
  const f = new Uint8Array(size);
  f.fill(0xff, 0, 6);
  f.set([2, 0, 0, 0, 0, 1, 0x88, 0xb5], 6);
  return f;
}

function txBurst(nic: ReturnType<typeof startNic>, f: Uint8Array, n: number): number {
  const batch: RkNetbuf[] = [];
  for (let i = 0; i < n; i++) {
    const b = nic.pool.alloc();
    if (!b) break;
    netbufWrite(nic.dev.phys, b, f);
    batch.push(b);
  }
  const sent = nic.dev.txBurst(0, batch);
  for (let i = Math.max(0, sent); i < batch.length; i++) batch[i].free();
  return Math.max(0, sent);
}

function rxDrain(nic: ReturnType<typeof startNic>, out: RkNetbuf[]): number {
  const n = nic.dev.rxBurst(0, out, out.length);
  for (let i = 0; i < n; i++) out[i].free();
  return Math.max(0, n);
}

/** Runs the hub figures for `size`-byte frames over about `ms` milliseconds each. */
export function hubPps(size: number, ms = 1500): PpsRow[] {
  const f = frame(size);
  const rows: PpsRow[] = [];
  // TX only: the hub's other port swallows frames.
  {
    const hub = new NetHub();
    hub.port('sink').attach({ receive: () => true });
    const a = startNic(rig([new VirtioNet(hub.port('a'))]));
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) n += txBurst(a, f, 32);
    rows.push({ what: 'TX (guest → hub sink)', size, pps: n / ((performance.now() - t0) / 1000) });
  }
  // RX only: a host port injects frames; the guest polls.
  {
    const hub = new NetHub();
    const src = hub.port('src');
    const b = startNic(rig([new VirtioNet(hub.port('b'))]));
    const out: RkNetbuf[] = new Array(64);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 32; i++) src.send(f);
      n += rxDrain(b, out);
    }
    rows.push({
      what: 'RX (hub source → guest)',
      size,
      pps: n / ((performance.now() - t0) / 1000),
    });
  }
  // Two machines: A transmits, B receives.
  {
    const hub = new NetHub();
    const a = startNic(rig([new VirtioNet(hub.port('a'))]));
    const b = startNic(rig([new VirtioNet(hub.port('b'))]));
    const out: RkNetbuf[] = new Array(64);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      txBurst(a, f, 32);
      n += rxDrain(b, out);
    }
    rows.push({
      what: 'A → B between two NICs on a hub',
      size,
      pps: n / ((performance.now() - t0) / 1000),
    });
  }
  return rows;
}

/** Same-run baseline: Node UDP over loopback, one datagram of `size` bytes per packet, counted at the receiver. */
export async function udpBaseline(size: number, ms = 1500): Promise<number> {
  const rx = createSocket('udp4');
  const tx = createSocket('udp4');
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
  let got = 0;
  rx.on('message', () => got++);
  const port = rx.address().port;
  const payload = Buffer.alloc(size);
  let sent = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    // a window of 64 datagrams in flight: the receiver must keep up (unbounded sends just overflow rcvbuf)
    for (let i = 0; i < 64; i++) tx.send(payload, port, '127.0.0.1');
    sent += 64;
    for (let spin = 0; got < sent - 8 && spin < 1000; spin++)
      await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 50));
  const el = (performance.now() - t0) / 1000;
  rx.close();
  tx.close();
  return got / el;
}
