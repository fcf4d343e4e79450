// The machine's own 9P server (`-virtfs local`) behind an in-process transport: `now` answers each
// request inside request(), as the machine's virtio-9p device answers inside the notify; otherwise
// the answer comes on a later microtask, as from a device or socket that answers later.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { P9Server } from '../../../../platforms/qemu-riscv/src/machine/backends/fs/server';
import type { RkP9Channel, RkP9Transport } from '../../src/index';

export function serverTransport(server: P9Server, now: boolean): RkP9Transport {
  return {
    name: 'direct',
    devices: () => ['share'],
    connect(_device, h) {
      let waiters: (() => void)[] = [];
      const wake = () => {
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      };
      const ch: RkP9Channel = {
        maxMsize: 1 << 20,
        allocBuffer: (n) => new Uint8Array(n),
        freeBuffer: () => {},
        request(req) {
          const answer = () => {
            const r = server.handle(req.tx, req.rx.length);
            req.rx.set(r);
            h.reply(req.rx.subarray(0, r.length), req);
            h.release(req);
            wake();
          };
          if (now) answer();
          else queueMicrotask(answer);
          return 0;
        },
        wait: () => new Promise<void>((r) => waiters.push(r)),
        wake,
        close: () => h.down('closed'),
      };
      return ch;
    },
  };
}

/** A fresh host directory and the machine's 9P server sharing it; `close` removes both. */
export function sharedDir(): { dir: string; server: P9Server; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rk-9pfs-direct-'));
  const server = new P9Server({ root: dir });
  return {
    dir,
    server,
    close() {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
