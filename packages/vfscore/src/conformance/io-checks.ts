// The kit's data checks: read/write at offsets, holes, EOF, fsync, and random write/truncate/read
// sequences (fast-check) against a byte-array model.
import fc from 'fast-check';
import type { RkFs } from '../driver';
import {
  attrOf,
  expectThat,
  fail,
  ok,
  type RkFsCheck,
  type RkFsKitCaps,
  type RkFsKitFactory,
  withFs,
} from './env';

type Op =
  | { k: 'write'; off: number; len: number; seed: number }
  | { k: 'trunc'; size: number }
  | { k: 'read'; off: number; len: number };

const MAX = 3 * 4096 + 123; // crosses page boundaries of page-backed drivers

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('write' as const),
    off: fc.nat(MAX),
    len: fc.nat(5000),
    seed: fc.nat(255),
  }),
  fc.record({ k: fc.constant('trunc' as const), size: fc.nat(MAX) }),
  fc.record({ k: fc.constant('read' as const), off: fc.nat(MAX + 100), len: fc.nat(6000) }),
);

function pattern(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (seed + i * 31) & 0xff;
  return b;
}

async function runOps(fs: RkFs<any, any>, ops: Op[]): Promise<void> {
  const f = await ok<any>('create', fs.create(fs.root, 'rand', 0o644));
  const h = await ok<object>('open', fs.open(f, 2));
  let model = new Uint8Array(0);
  for (const op of ops) {
    if (op.k === 'write') {
      const data = pattern(op.len, op.seed);
      const n = await ok<number>('write', fs.write(h, data, op.off));
      expectThat(n === op.len, `write(${op.len} at ${op.off}) returned ${n}`);
      if (op.len > 0 && op.off + op.len > model.length) {
        const m = new Uint8Array(op.off + op.len);
        m.set(model);
        model = m;
      }
      model.set(data, op.off);
    } else if (op.k === 'trunc') {
      await ok('setattr(size)', fs.setattr(f, { size: op.size }));
      const m = new Uint8Array(op.size);
      m.set(model.subarray(0, op.size));
      model = m;
    } else {
      const buf = new Uint8Array(op.len);
      const n = await ok<number>('read', fs.read(h, buf, op.off));
      const want = model.subarray(Math.min(op.off, model.length), op.off + op.len);
      expectThat(
        n === want.length,
        `read(${op.len} at ${op.off}) of a ${model.length}-byte file gave ${n}`,
      );
      for (let i = 0; i < n; i++)
        if (buf[i] !== want[i]) fail(`byte ${op.off + i}: read ${buf[i]}, wrote ${want[i]}`);
    }
    const size = (await attrOf(fs, f)).size;
    expectThat(
      size === model.length,
      `size ${size} after ${JSON.stringify(op)}, model ${model.length}`,
    );
  }
  await ok('close', fs.close(h));
}

export function ioChecks(make: RkFsKitFactory, caps: RkFsKitCaps): RkFsCheck[] {
  return [
    {
      name: 'write then read round-trips; reads at and past EOF return 0; a hole reads as zeros',
      run: () =>
        withFs(make, async (fs) => {
          const f = await ok<any>('create', fs.create(fs.root, 'f', 0o644));
          const h = await ok<object>('open', fs.open(f, 2));
          const data = pattern(10_000, 3);
          expectThat(
            (await ok<number>('write', fs.write(h, data, 0))) === data.length,
            'short write',
          );
          const back = new Uint8Array(10_000);
          expectThat((await ok<number>('read', fs.read(h, back, 0))) === 10_000, 'short read');
          expectThat(
            back.every((b, i) => b === data[i]),
            'data differs',
          );
          const tail = new Uint8Array(16);
          expectThat((await ok<number>('read', fs.read(h, tail, 9_990))) === 10, 'read across EOF');
          expectThat((await ok<number>('read', fs.read(h, tail, 10_000))) === 0, 'read at EOF');
          expectThat((await ok<number>('read', fs.read(h, tail, 50_000))) === 0, 'read past EOF');
          expectThat(
            (await ok<number>('write', fs.write(h, Uint8Array.of(1), 30_000))) === 1,
            'write past EOF',
          );
          expectThat((await attrOf(fs, f)).size === 30_001, 'size after a write past EOF');
          const hole = new Uint8Array(20_000);
          expectThat(
            (await ok<number>('read', fs.read(h, hole, 10_000))) === 20_000,
            'read of a hole',
          );
          expectThat(
            hole.every((b) => b === 0),
            'a hole did not read as zeros',
          );
          expectThat(
            (await ok<number>('write', fs.write(h, new Uint8Array(0), 5))) === 0,
            'empty write',
          );
          await ok('fsync', fs.fsync(h, false));
          await ok('fdatasync', fs.fsync(h, true));
          await ok('close', fs.close(h));
        }),
    },
    {
      name: 'write stamps mtime and ctime from the clock; blocks grow with data',
      run: () =>
        withFs(make, async (fs) => {
          const f = await ok<any>('create', fs.create(fs.root, 'f', 0o644));
          const old = { sec: 1000, nsec: 0 };
          await ok('setattr(times)', fs.setattr(f, { atime: old, mtime: old }));
          const h = await ok<object>('open', fs.open(f, 2));
          await ok('write', fs.write(h, pattern(8192, 1), 0));
          await ok('close', fs.close(h));
          const a = await attrOf(fs, f);
          expectThat(a.mtime.sec > old.sec, `mtime ${a.mtime.sec} not updated by write`);
          expectThat(a.blocks * 512 >= 8192, `blocks ${a.blocks} for 8192 bytes`);
        }),
    },
    {
      name: 'random write/truncate/read sequences agree with a byte-array model',
      run: () =>
        fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), (ops) =>
            withFs(make, (fs) => runOps(fs, ops)),
          ),
          { numRuns: caps.numRuns ?? 100, seed: 0x10f5 },
        ),
    },
  ];
}
