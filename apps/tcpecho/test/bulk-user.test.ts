// tcpecho's bulk roles (sink, source) booted behind `-netdev user,hostfwd=…,restrict=on`: a host
// client on the loopback sends a pattern the guest hashes, then reads the guest's pattern back; both
// checked byte for byte. Skipped, with the reason, where the machine has no `-netdev user`.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type GuestImage, loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../httpreply/test/support/nginx';
import { bootOnUser, userNetUnavailable } from '../../httpreply/test/support/tap-guest';
import { BULK_PATTERN, FNV_INIT, fnv1a } from '../src/bulk';

const skip = userNetUnavailable();
if (skip) console.log(`[skip] tcpecho bulk -netdev user test: ${skip}`);

const BYTES = 3 * 65536 + 1234;
const stream = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = BULK_PATTERN[i % BULK_PATTERN.length];
  return b;
};

describe.skipIf(skip !== null)('tcpecho sink/source through -netdev user', () => {
  let image: GuestImage;
  beforeAll(async () => {
    image = loadImage((await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath);
  }, 120_000);

  it('sink: the guest reports the byte count and FNV-1a of what the host sent', async () => {
    const port = await freePort();
    const g = await bootOnUser(image, port, 5001, '-- sink=5001,1', /listening on 5001/);
    const data = stream(BYTES);
    data[BYTES - 1] ^= 0x55; // not the pattern: the hash must come from what arrived
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.end(data));
      s.on('error', reject);
      s.on('close', () => resolve());
      s.resume();
    });
    const exit = await g.stop();
    const want = fnv1a(FNV_INIT, data).toString(16).padStart(8, '0');
    expect(g.out()).toContain(`sank ${BYTES} bytes fnv1a=${want} to 10.0.2.2:`);
    expect(exit.status, g.out()).toBe(0);
  }, 60_000);

  it('source: the host reads exactly the pattern, then the guest closes', async () => {
    const port = await freePort();
    const g = await bootOnUser(image, port, 5001, `-- source=5001,${BYTES},1`, /listening on/);
    const got = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      const s = connect(port, '127.0.0.1');
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('error', reject);
      s.on('end', () => resolve(Buffer.concat(parts)));
    });
    const exit = await g.stop();
    expect(got.length).toBe(BYTES);
    expect(Buffer.compare(got, Buffer.from(stream(BYTES)))).toBe(0);
    expect(g.out()).toContain(`sourced ${BYTES} bytes to 10.0.2.2:`);
    expect(exit.status, g.out()).toBe(0);
  }, 60_000);
});
