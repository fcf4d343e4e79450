// PipeConsole (-serial pipe:PATH) over real FIFOs: the machine never blocks on a FIFO nobody reads;
// what the FIFO cannot take waits (bounded, the oldest dropped beyond 1 MiB) and reaches a reader that
// comes later; host input written to PATH.in reaches the UART's receiver.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PipeConsole } from '../../src/machine';

const dir = mkdtempSync(join(tmpdir(), 'rk-pipe-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fifos(name: string): string {
  const p = join(dir, name);
  expect(spawnSync('mkfifo', [`${p}.in`, `${p}.out`]).status).toBe(0);
  return p;
}

/** Everything readable from PATH.out now (non-blocking), as the reader that comes late sees it. */
async function drain(path: string, settleMs = 100): Promise<Buffer> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  let idle = 0;
  while (idle < settleMs) {
    let n = 0;
    try {
      n = readSync(fd, buf);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
    if (n > 0) {
      chunks.push(Buffer.from(buf.subarray(0, n)));
      idle = 0;
    } else {
      await new Promise((r) => setTimeout(r, 10));
      idle += 10;
    }
  }
  closeSync(fd);
  return Buffer.concat(chunks);
}

const bytes = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));

describe('PipeConsole', () => {
  it('never blocks the machine on a FIFO nobody reads; a later reader gets it all, in order', async () => {
    const p = fifos('late');
    const c = new PipeConsole(p);
    const data = bytes(300_000, 1); // more than a FIFO holds (64 KiB)
    for (const b of data) c.write(b);
    c.flush(); // returns: the rest waits in the console
    const got = await drain(`${p}.out`);
    c.close();
    expect(got.length).toBe(data.length);
    expect(got.equals(data)).toBe(true);
  });

  it('keeps at most 1 MiB waiting: the oldest output goes first, the newest arrives', async () => {
    const p = fifos('bounded');
    const c = new PipeConsole(p);
    const data = bytes(3 << 20, 3);
    for (let off = 0; off < data.length; off += 1 << 16) {
      for (const b of data.subarray(off, off + (1 << 16))) c.write(b);
      c.flush();
    }
    const got = await drain(`${p}.out`);
    c.close();
    expect(got.length).toBeLessThanOrEqual((1 << 20) + (1 << 16) * 2);
    expect(got.length).toBeGreaterThan(1 << 19);
    // what arrives ends with the newest bytes written
    expect(got.subarray(got.length - 4096).equals(data.subarray(data.length - 4096))).toBe(true);
  });

  it('host input written to PATH.in reaches the receiver', async () => {
    const p = fifos('input');
    const c = new PipeConsole(p);
    const seen: number[] = [];
    c.attach({ input: (b) => seen.push(...b), quit: () => {} });
    writeFileSync(`${p}.in`, 'hello');
    for (let i = 0; i < 200 && seen.length < 5; i++) await new Promise((r) => setTimeout(r, 10));
    c.close();
    expect(Buffer.from(seen).toString()).toBe('hello');
  });
});
