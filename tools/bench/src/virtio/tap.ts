// rknetdev pps through a real Linux TAP device (socat bridge): guest TX counted by the kernel's
// interface statistics; guest RX from frames Linux emits (python3 AF_PACKET blaster). Root only.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RkNetbuf } from '../../../../packages/rknetdev/src/index';
import { netbufWrite } from '../../../../packages/rknetdev/src/index';
import {
  TapNetBackend,
  tapUnavailableReason,
} from '../../../../platforms/qemu-riscv/src/machine/backends/net/tap';
import { VirtioNet } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { rig, startNic } from './rig';

export interface TapRow {
  readonly what: string;
  readonly size: number;
  readonly pps: number;
}

const stat = (ifname: string, s: string) =>
  Number(readFileSync(`/sys/class/net/${ifname}/statistics/${s}`, 'utf8'));

const BLASTER = `
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
f = b'\\xff'*6 + b'\\x02\\x00\\x00\\x00\\x00\\x09' + b'\\x88\\xb5' + b'\\x00'*(int(sys.argv[2])-14)
end = time.time() + float(sys.argv[3])
while time.time() < end:
    for _ in range(256):
        try: s.send(f)
        except OSError: time.sleep(0.0005)
`;

/** @returns rows, or a reason string when TAP cannot run here. */
export async function tapPps(ms: number): Promise<TapRow[] | string> {
  const why = tapUnavailableReason();
  if (why) return why;
  const ifname = `rkb${process.pid % 10000}`;
  const tap = await TapNetBackend.open('bench', ifname);
  const rows: TapRow[] = [];
  try {
    execFileSync('ip', ['link', 'set', ifname, 'up']);
    const nic = startNic(rig([new VirtioNet(tap)]));
    for (const size of [64, 1500]) {
      const f = new Uint8Array(size);
      f.fill(0xff, 0, 6);
      f.set([2, 0, 0, 0, 0, 1, 0x88, 0xb5], 6);
      const before = stat(ifname, 'rx_packets');
      const t0 = performance.now();
      let sent = 0;
      while (performance.now() - t0 < ms) {
        const batch: RkNetbuf[] = [];
        for (let i = 0; i < 32; i++) {
          const b = nic.pool.alloc();
          if (!b) break;
          netbufWrite(nic.dev.phys, b, f);
          batch.push(b);
        }
        const n = Math.max(0, nic.dev.txBurst(0, batch));
        for (let i = n; i < batch.length; i++) batch[i].free();
        sent += n;
        if (sent % 4096 < 32) await new Promise((r) => setImmediate(r)); // let socket writes drain
      }
      await new Promise((r) => setTimeout(r, 300));
      const el = (performance.now() - t0 - 300) / 1000;
      rows.push({
        what: 'TX guest → Linux (tap rx_packets)',
        size,
        pps: (stat(ifname, 'rx_packets') - before) / el,
      });
      const out: RkNetbuf[] = new Array(64);
      let got = 0;
      const py = spawn('python3', ['-c', BLASTER, ifname, String(size), String(ms / 1000)], {
        stdio: 'ignore',
      });
      const t1 = performance.now();
      while (performance.now() - t1 < ms + 200) {
        const n = Math.max(0, nic.dev.rxBurst(0, out, 64));
        for (let i = 0; i < n; i++) out[i].free();
        got += n;
        await new Promise((r) => setImmediate(r));
      }
      py.kill();
      rows.push({ what: 'RX Linux → guest (AF_PACKET sender)', size, pps: got / (ms / 1000) });
    }
  } finally {
    await tap.close();
  }
  return rows;
}
