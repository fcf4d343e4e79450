// The TAP backend against Linux's own network stack, inside a network namespace (root only): Linux
// answers the ARP request we inject, and its arping reaches us as a broadcast ARP request.
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TapNetBackend, tapUnavailableReason } from '../../src/machine/backends/net/tap';

const why =
  tapUnavailableReason() ??
  (() => {
    try {
      execFileSync('ip', ['netns', 'add', 'rkvirtio-probe'], { stdio: 'ignore' });
      execFileSync('ip', ['netns', 'del', 'rkvirtio-probe'], { stdio: 'ignore' });
      return null;
    } catch (e) {
      return `cannot create network namespaces: ${(e as Error).message}`;
    }
  })();
if (why) console.log(`[skip] TAP backend tests: ${why}`);

const NS = `rkv${process.pid}`;
const IF = `rkt${process.pid % 100000}`;
const GUEST_MAC = Uint8Array.of(0x02, 0x00, 0x00, 0x00, 0x00, 0x42);
const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' }).toString();

function arp(
  op: 1 | 2,
  sha: Uint8Array,
  spa: number[],
  tha: Uint8Array,
  tpa: number[],
  dst: Uint8Array,
): Uint8Array {
  const f = new Uint8Array(60);
  f.set(dst, 0);
  f.set(sha, 6);
  f.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, op], 12);
  f.set(sha, 22);
  f.set(spa, 28);
  f.set(tha, 32);
  f.set(tpa, 38);
  return f;
}

describe.skipIf(why !== null)('TAP backend (Linux in a netns)', () => {
  let tap: TapNetBackend;
  const got: Uint8Array[] = [];
  beforeAll(async () => {
    ip('netns', 'add', NS);
    tap = await TapNetBackend.open('t0', IF);
    tap.attach({ receive: (f) => got.push(f) > 0 });
    ip('link', 'set', IF, 'netns', NS);
    ip('-n', NS, 'addr', 'add', '10.77.0.1/24', 'dev', IF);
    ip('-n', NS, 'link', 'set', IF, 'up');
  });
  afterAll(async () => {
    await tap?.close();
    try {
      ip('netns', 'del', NS);
    } catch {}
  });

  const until = async (cond: () => boolean, ms = 5000) => {
    const t0 = Date.now();
    while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
  };

  it('Linux answers an ARP who-has for its address', async () => {
    const bcast = new Uint8Array(6).fill(0xff);
    tap.send(arp(1, GUEST_MAC, [10, 77, 0, 2], new Uint8Array(6), [10, 77, 0, 1], bcast));
    const isReply = (f: Uint8Array) =>
      f[12] === 0x08 && f[13] === 0x06 && f[21] === 2 && f[31] === 1;
    await until(() => got.some(isReply));
    const reply = got.find(isReply)!;
    expect(reply.subarray(0, 6)).toEqual(GUEST_MAC);
    expect([...reply.subarray(38, 42)]).toEqual([10, 77, 0, 2]);
  });

  it("Linux's arping for a guest address arrives as a broadcast ARP request", async () => {
    got.length = 0;
    ip('-n', NS, 'neigh', 'flush', 'dev', IF);
    const p = spawn(
      'ip',
      ['netns', 'exec', NS, 'arping', '-c', '1', '-w', '2', '-I', IF, '10.77.0.2'],
      { stdio: 'ignore' },
    );
    const isReq = (f: Uint8Array) => f[12] === 0x08 && f[13] === 0x06 && f[21] === 1 && f[41] === 2;
    await until(() => got.some(isReq));
    p.kill();
    expect(got.some(isReq)).toBe(true);
  });
});
