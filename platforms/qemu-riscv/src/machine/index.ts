// @runikraft/plat-qemu-riscv/machine: the QEMU 7.2 `virt` machine model (hardware side, DESIGN.md §2).

export * from './backends';
// Types the exported classes' public members use.
export type { OpenFd, ShareRootOptions } from './backends/fs/confine';
export type { Cred } from './backends/fs/mapped';
export type { DirEntry, OpenDir, OpenFile } from './backends/fs/server';
export type { Attr } from './backends/fs/stat';
export type { DgramEndpoints } from './backends/net/dgram';
export type { QemuOpts } from './backends/net/qemu-opts';
export type { HostAddr, SlirpContext } from './backends/net/user/context';
export type { Ip4Out } from './backends/net/user/wire';
export type { ClockKind, MachineClock, Timer } from './clock';
export { CallbackConsole, type ConsoleBackend, type ConsoleSink } from './console/backend';
export { BufferConsole } from './console/buffer';
export { FileConsole } from './console/file';
export { PipeConsole } from './console/pipe';
export { type MonitorFrontend, StdioConsole, type StdioMode } from './console/stdio';
export { FwCfg } from './devices/fw-cfg';
export type { FwCfgUserItem } from './devices/fw-cfg-items';
export type { IrqLine } from './devices/irq';
export { PflashCfi01 } from './devices/pflash-cfi01';
export { buildVirtDtb, type VirtDtConfig } from './devicetree';
export { FIRMWARE_SIZE, fdtAddress, initrdStart, kernelEntry } from './firmware/boot';
export { type FwCfgArg, parseFwCfgArg } from './fw-cfg-args';
export { TrapPanic } from './hart/traps';
export { Machine, type MachineStats, virtDumpDtb } from './machine';
export type { MmioDevice } from './mmio';
export { Hmp, type HmpTarget } from './monitor/hmp';
export type {
  LogItem,
  MachineExit,
  MachineOptions,
  MonitorChannel,
  ResolvedOptions,
} from './options';
export * from './pci';
export { createQtestSession, parseQtestU64, serveQtest } from './qtest';
export { QtestPort } from './qtest-port';
export * from './realm';
export type { ImageSourceMap } from './realm/source-map';
export * from './virtio';
export type { VirtqFeatures } from './virtio/queue/virtqueue';
export type { VirtioDevice, VirtioHost, VirtqAddrs } from './virtio-mmio/device';
export {
  chooseVirtioSlot,
  parseVirtioBus,
  virtioSlotBase,
  virtioSlotIrq,
} from './virtio-mmio/placement';
export * as VirtioMmioRegs from './virtio-mmio/regs';
export { VirtioMmioTransport } from './virtio-mmio/transport';
export { type VirtioPciKind, virtioPciKind } from './virtio-pci/ids';
export type { VirtioPciEnv } from './virtio-pci/transport';
export { VirtioPciFunction, type VirtioPciOptions } from './virtio-pci/transport';
