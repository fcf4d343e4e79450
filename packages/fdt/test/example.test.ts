// The README usage example, verbatim, with its claimed results asserted.

import { expect, it } from 'vitest';
import { Fdt, type FdtError, FdtWriter } from '../src/index';

it('README example', () => {
  const w = new FdtWriter();
  w.beginNode('').propU32('#address-cells', 2).propU32('#size-cells', 2);
  w.beginNode('memory@80000000').propString('device_type', 'memory');
  w.propCells('reg', [0, 0x80000000, 0, 0x8000000]).endNode();
  w.beginNode('chosen').propString('bootargs', 'console=ttyS0').endNode();
  const blob = w.endNode().finish();

  const fdt = Fdt.open(blob);
  expect(fdt.memory().map(({ address, size }) => ({ address, size }))).toEqual([
    { address: 0x80000000, size: 0x8000000 },
  ]);
  expect(fdt.memory()[0].node.path).toBe('/memory@80000000');
  expect(fdt.chosen().bootargs).toBe('console=ttyS0');
  let message = '';
  try {
    Fdt.open(blob.subarray(0, 20));
  } catch (e) {
    message = (e as FdtError).message;
  }
  expect(message).toBe('fdt: header at 0x0: buffer of 20 bytes is shorter than a header (36)');
});
