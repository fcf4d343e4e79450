// The `virt` device-tree generator: QEMU 7.2's tree for the machine options the model supports.

export { buildVirtDtb } from './build';
export type { VirtDtConfig } from './config';
