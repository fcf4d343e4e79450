// What PCI drivers use (as Unikraft's uk/bus/pci.h): the shared bus to register with, the matcher,
// and the config-space register names.
export type {
  RkPciBar,
  RkPciCapability,
  RkPciDevice,
  RkPciDeviceId,
  RkPciDriver,
} from './api';
export { pciBus, pciMatch, RkPciBusImpl } from './bus';
export * as pciRegs from './regs';
