// The kit's misuse checks in hardened mode: each misuse must throw RkAllocViolation naming kind and block.
import type { RkAlloc } from '../api';
import { RkAllocViolation, type RkAllocViolationKind } from '../hardening/violation';
import type { RkAllocCheck } from './edge';
import { makeWithRegions, type RkAllocFactory } from './env';
import { fail } from './model';

/** Runs `misuse` and requires a violation of `kind` whose message names `block` in hex. */
function expectViolation(kind: RkAllocViolationKind, block: number, misuse: () => void): void {
  try {
    misuse();
  } catch (e) {
    if (!(e instanceof RkAllocViolation))
      fail(`expected RkAllocViolation(${kind}), got ${String(e)}`);
    if (e.violation !== kind) fail(`expected violation ${kind}, got ${e.violation}: ${e.message}`);
    const h = `0x${block.toString(16).padStart(8, '0')}`;
    if (e.block !== block || !e.message.includes(h))
      fail(`violation ${kind} must name block ${h}: ${e.message}`);
    return;
  }
  fail(`${kind} at block 0x${block.toString(16)} went undetected`);
}

const u8At = (a: RkAlloc, p: number) => a.phys.u8.subarray(p - a.phys.base);

export function hardenedChecks(make: RkAllocFactory): RkAllocCheck[] {
  const hardened = () => {
    const { a } = makeWithRegions(make, { seed: 0x5eed, randomize: true, quarantine: 8 });
    if (!a.hardened) fail('the factory ignored env.harden: alloc.hardened is false');
    return a;
  };
  const cases: [string, (a: RkAlloc) => void][] = [
    [
      'double free',
      (a) => {
        const p = a.malloc(48);
        a.free(p);
        expectViolation('double-free', p, () => a.free(p));
      },
    ],
    [
      'free of a pointer never returned',
      (a) => {
        const p = a.malloc(64);
        expectViolation('invalid-free', p + 16, () => a.free(p + 16));
      },
    ],
    [
      'free of an address outside the heap',
      (a) => expectViolation('invalid-free', 0x1000, () => a.free(0x1000)),
    ],
    [
      'one-byte overflow',
      (a) => {
        const p = a.malloc(40);
        u8At(a, p)[40] ^= 1;
        expectViolation('canary-back', p, () => a.free(p));
      },
    ],
    [
      'underflow',
      (a) => {
        const p = a.malloc(40);
        u8At(a, p - 1)[0] ^= 1;
        expectViolation('canary-front', p, () => a.free(p));
      },
    ],
    [
      'write after free',
      (a) => {
        const p = a.malloc(32);
        a.free(p);
        u8At(a, p)[5] = 1;
        expectViolation('use-after-free', p, () => a.check());
      },
    ],
    [
      'pfree with the wrong page count',
      (a) => {
        const p = a.palloc(4);
        expectViolation('pfree-count', p, () => a.pfree(p, 2));
      },
    ],
    [
      'pfree of a malloc block',
      (a) => {
        const p = a.malloc(100);
        expectViolation('pfree-of-malloc', p, () => a.pfree(p, 1));
      },
    ],
    [
      'free of palloc pages',
      (a) => {
        const p = a.palloc(1);
        expectViolation('free-of-pages', p, () => a.free(p));
      },
    ],
    [
      'double pfree',
      (a) => {
        const p = a.palloc(2);
        a.pfree(p, 2);
        expectViolation('double-free', p, () => a.pfree(p, 2));
      },
    ],
    [
      'sized release with the wrong size',
      (a) => {
        const p = a.malloc(100);
        expectViolation('size-mismatch', p, () => a.release(p, 99));
      },
    ],
    [
      'realloc of a freed block',
      (a) => {
        const p = a.malloc(10);
        a.free(p);
        expectViolation('double-free', p, () => a.realloc(p, 20));
      },
    ],
    [
      'overflow of a memalign block',
      (a) => {
        const p = a.memalign(256, 300);
        u8At(a, p)[300] = 0;
        u8At(a, p)[301] ^= 0xff;
        expectViolation('canary-back', p, () => a.free(p));
      },
    ],
  ];
  return cases.map(([what, body]) => ({
    name: `hardened: ${what} is reported as a precise violation`,
    run() {
      const a = hardened();
      body(a);
    },
  }));
}
