// An app's last action is close(): tcpecho's source role writes 1 MiB, closes and returns from main
// at once (no sleep). rknet's term at shutdown (netdev.drain_ms) must deliver the bytes still in the
// send ring and the FIN before the machine powers off; with the drain switched off they are lost —
// the control that shows this test can fail. Booted behind `-netdev user,hostfwd=…,restrict=on`;
// skipped, with the reason, where the machine has no `-netdev user`.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type GuestImage, loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../httpreply/test/support/nginx';
import { bootOnUser, userNetUnavailable } from '../../httpreply/test/support/tap-guest';
import { BULK_PATTERN } from '../src/bulk';

const skip = userNetUnavailable();
if (skip) console.log(`[skip] tcpecho drain -netdev user test: ${skip}`);

const BYTES = 1 << 20;

/** Connects and reads until end of stream, the connection closing, or 15 s. */
function readAll(port: number): Promise<{ bytes: Buffer; ended: boolean }> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let ended = false;
    const s = connect(port, '127.0.0.1');
    const done = () => resolve({ bytes: Buffer.concat(parts), ended });
    const timer = setTimeout(() => s.destroy(), 15_000);
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('end', () => (ended = true));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      done();
    });
  });
}

describe.skipIf(skip !== null)('tcpecho: close() as the last action, then main returns', () => {
  let image: GuestImage;
  beforeAll(async () => {
    image = loadImage((await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath);
  }, 120_000);

  it('the client receives every byte and the FIN; exit status 0', async () => {
    const port = await freePort();
    const g = await bootOnUser(image, port, 5001, `-- source=5001,${BYTES},1`, /listening on/);
    const got = await readAll(port);
    const exit = await g.stop();
    expect(got.bytes.length, g.out()).toBe(BYTES);
    for (let i = 0; i < BYTES; i += 4099)
      expect(got.bytes[i]).toBe(BULK_PATTERN[i % BULK_PATTERN.length]);
    expect(got.ended).toBe(true);
    expect(exit.status, g.out()).toBe(0);
  }, 90_000);

  it('control: with netdev.drain_ms=0 the end of the output is lost', async () => {
    const port = await freePort();
    const g = await bootOnUser(
      image,
      port,
      5001,
      `netdev.drain_ms=0 -- source=5001,${BYTES},1`,
      /listening on/,
    );
    const got = await readAll(port);
    await g.stop();
    expect(
      got.bytes.length < BYTES || !got.ended,
      `${got.bytes.length} bytes, end ${got.ended}`,
    ).toBe(true);
  }, 90_000);
});
