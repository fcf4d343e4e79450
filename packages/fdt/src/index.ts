// @runikraft/fdt: flattened device tree reader (fully validating, zero-copy) and writer — Unikraft's lib/fdt.

export type { RegEntry, RegEntryBig } from './addresses';
export { be32, be64, utf8Decode, utf8Encode } from './bytes';
export {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
} from './constants';
export { FdtError } from './error';
export { Fdt } from './fdt';
export type { FdtHeader, FdtReserveEntry } from './header';
export type { FdtInterrupt, FdtInterruptMapEntry } from './interrupts';
export { FdtNode, type FdtProp } from './node';
export type { FdtChosen, FdtMemoryRegion, FdtReservedMemory } from './platform';
export { FdtTree } from './tree';
export { FdtWriter, type FdtWriterOptions } from './writer';
