// The virtio-9p driver through the machine's virtio-mmio transport (legacy and modern) to diod: the
// mount tag from config space, rk9p's "virtio" transport, a whole session, requests in flight at once
// with completions arriving later as interrupts, and the refusals (unknown tag, second connection).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import { P9_DOTL, RkP9Client, type RkP9TransportRegistry } from '@runikraft/rk9p';
import { describe, expect, it } from 'vitest';
import { haveDiod, startDiod } from '../../rk9p/test/helpers/diod';
import { pending } from '../../rk9p/test/helpers/pending';
import { probeVirtioMmio } from '../src/bus';
import { harness } from './harness';
import { ForwardingVirtio9p } from './p9-forward';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

for (const legacy of [false, true])
  describe.skipIf(!haveDiod)(`virtio-9p driver (${legacy ? 'legacy' : 'modern'}) to diod`, () => {
    it('reads the mount tag, registers the virtio transport and runs a session', async () => {
      const diod = await startDiod();
      const dev = new ForwardingVirtio9p(diod.port, 'share0');
      const h = harness([dev], legacy, 16 << 20);
      try {
        const devs = probeVirtioMmio({
          plat: h.plat,
          dma: h.dma,
          registry: h.registry as never,
          sched: () => undefined,
        });
        expect(devs.map((d) => [d.deviceId, d.error, d.p9?.tag])).toEqual([
          [9, undefined, 'share0'],
        ]);
        expect(h.transports[7].status & 0x4).toBe(4);
        const reg = h.registry.get('rk9p') as RkP9TransportRegistry;
        const vt = reg.byName('virtio')!;
        expect(vt.devices()).toEqual(['share0']);
        expect(await RkP9Client.connect(vt, 'other').catch((e) => e.errno)).toBe(Errno.ENODEV);

        const data = new Uint8Array(700_000).map((_, i) => (i * 13 + (i >> 11)) & 0xff);
        writeFileSync(join(diod.dir, 'in.bin'), data);
        const c = await RkP9Client.connect(vt, 'share0', { msize: 256 * 1024 });
        expect(c.dev.msize).toBeLessThanOrEqual(256 * 1024);
        expect(await RkP9Client.connect(vt, 'share0').catch((e) => e.errno)).toBe(Errno.EBUSY);
        const root = await c.attach(diod.dir);
        // several reads in flight at once: each completion is an interrupt the bus acknowledges
        const f = await c.walk(root, ['in.bin']);
        await c.lopen(f, P9_DOTL.O_RDONLY);
        const out = new Uint8Array(data.length);
        const step = c.ioSize(f);
        const offs = Array.from({ length: Math.ceil(data.length / step) }, (_, i) => i * step);
        const ns = await Promise.all(offs.map((o) => c.read(f, o, out.subarray(o, o + step))));
        expect(ns.reduce((a, b) => a + b, 0)).toBe(data.length);
        expect(sha(out)).toBe(sha(data));
        expect(h.irqCount.get(8) ?? 0).toBeGreaterThan(0);
        await c.clunk(f);
        // write a file, read it on the host
        const g = await c.walk(root, []);
        await c.lcreate(g, 'out.bin', P9_DOTL.O_CREAT | P9_DOTL.O_WRONLY, 0o644);
        for (let off = 0; off < data.length; ) off += await c.write(g, off, data.subarray(off));
        await c.clunk(g);
        expect(sha(readFileSync(join(diod.dir, 'out.bin')))).toBe(sha(data));
        // diod answers through a socket, later: the request waits (a Promise)
        expect(await pending(c.walk(root, ['missing'])).catch((e) => e.errno)).toBe(Errno.ENOENT);
        expect(devs[0].p9!.inflight).toBe(0);
        expect(c.dev.stats.badReplies + c.dev.stats.unknownTags).toBe(0);
        c.close();
        // the device is free again: a new connection renegotiates (Tversion resets the session)
        const c2 = await RkP9Client.connect(vt, 'share0', { msize: 8192 });
        expect((await c2.attach(diod.dir)).qid.path).toBe(root.qid.path);
        c2.close();
      } finally {
        dev.close();
        await diod.stop();
      }
    });
  });

describe('virtio-9p refusals', () => {
  it('a device whose tag length is 0 or runs past config space is not bound', () => {
    for (const over of [0, 40]) {
      const dev = new ForwardingVirtio9p(1, 'x', over);
      const h = harness([dev], false);
      const [d] = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
      expect(d.error).toBe('virtio-9p without a usable mount tag');
      expect(h.transports[7].status & 0x80).toBe(0x80); // FAILED
      dev.close();
    }
  });
});
