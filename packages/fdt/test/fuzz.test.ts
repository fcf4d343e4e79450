import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fdt, FdtError } from '../src/index';
import { decodeAll, fixtures } from './helpers';

const blobs = fixtures().map(([, b]) => b);

/** Opens and decodes everything; returns 'ok' or 'fdt-error'; any other exception fails the property. */
function verdict(b: Uint8Array): 'ok' | 'fdt-error' {
  try {
    decodeAll(Fdt.open(b));
    return 'ok';
  } catch (e) {
    if (e instanceof FdtError) return 'fdt-error';
    throw e;
  }
}

describe('malformed input only ever yields FdtError (never another exception, never a hang)', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => void verdict(b)),
      { numRuns: 2000 },
    );
  });

  it('random bytes behind a plausible header', () => {
    const word = fc.oneof(fc.nat(0x200), fc.constant(0xffffffff), fc.nat(0xffffffff));
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 10, maxLength: 10 }),
        fc.uint8Array({ minLength: 0, maxLength: 400 }),
        (h, body) => {
          const b = new Uint8Array(40 + body.length);
          const v = new DataView(b.buffer);
          h[0] = 0xd00dfeed;
          h[5] = 16 + (h[5] % 2);
          h[6] = 16;
          for (let i = 0; i < h.length; i++) v.setUint32(i * 4, h[i]);
          b.set(body, 40);
          verdict(b);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('byte mutations of the real QEMU blobs', () => {
    let errors = 0;
    fc.assert(
      fc.property(
        fc.nat(blobs.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        (which, muts) => {
          const b = blobs[which].slice();
          for (const [off, val] of muts) b[off % b.length] = val;
          if (verdict(b) === 'fdt-error') errors++;
        },
      ),
      { numRuns: 3000 },
    );
    expect(errors).toBeGreaterThan(100); // the mutations do reach the validator
  });

  it('token-level mutations inside the struct block and truncations', () => {
    const cell = fc.oneof(
      fc.nat(12),
      fc.constant(0xffffffff),
      fc.constant(0x80000000),
      fc.nat(0xffffffff),
      fc.nat(0x2000),
    );
    fc.assert(
      fc.property(
        fc.nat(blobs.length - 1),
        fc.array(fc.tuple(fc.nat(), cell), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat()),
        (which, muts, cut) => {
          const src = blobs[which];
          const fdt = Fdt.open(src);
          const { offDtStruct, sizeDtStruct } = fdt.header;
          let b = src.slice();
          const v = new DataView(b.buffer);
          for (const [w, x] of muts) v.setUint32(offDtStruct + 4 * (w % (sizeDtStruct / 4)), x);
          if (cut !== null) b = b.subarray(0, cut % b.length);
          verdict(b);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the unmutated blobs decode completely', () => {
    for (const b of blobs) expect(verdict(b)).toBe('ok');
  });
});
