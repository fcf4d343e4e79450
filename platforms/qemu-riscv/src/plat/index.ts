// @runikraft/plat-qemu-riscv/plat: the rkplat implementation for QEMU's RISC-V virt machine (kernel side).
export { describePlatform, type PlatDesc, PlatDescError } from './discover';
export { platEntry } from './entry';
export { computeRegions, type UsedRange } from './memregions';
export { createPlatform, type QemuRiscvPlat } from './platform';
export { type PlatCpuEntry, platSecondaryEntry } from './smp';
