// The README usage example, verbatim, against diod over the socket transport.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { P9_DOTL, RkP9Client, type RkP9Transport } from '../src/index';
import { haveDiod, startDiod } from './helpers/diod';
import { socketTransport } from './helpers/socket';

/** Reads `path` (names) from the share `device` (a mount tag for virtio). */
async function readShare(transport: RkP9Transport, device: string, aname: string, path: string[]) {
  const c = await RkP9Client.connect(transport, device, { msize: 128 * 1024 });
  const root = await c.attach(aname); // diod: the exported path; QEMU's virtio-9p ignores it
  const f = await c.walk(root, path);
  await c.lopen(f, P9_DOTL.O_RDONLY);
  const chunks: Uint8Array[] = [];
  for (let off = 0; ; ) {
    const buf = new Uint8Array(c.ioSize(f));
    const n = await c.read(f, off, buf); // one Tread, at most msize − 24 bytes; 0 at EOF
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    off += n;
  }
  await c.clunk(f);
  c.close();
  return chunks;
}

it.skipIf(!haveDiod)('README example', async () => {
  const diod = await startDiod();
  try {
    mkdirSync(join(diod.dir, 'etc'));
    writeFileSync(join(diod.dir, 'etc', 'motd'), 'x'.repeat(200_000));
    const chunks = await readShare(socketTransport({ port: diod.port }), 'sock', diod.dir, [
      'etc',
      'motd',
    ]);
    expect(chunks.reduce((a, c) => a + c.length, 0)).toBe(200_000);
    expect(chunks.length).toBeGreaterThan(1);
  } finally {
    await diod.stop();
  }
});
