// The virt machine's PCIe side: host bridge, config space, BAR windows, MSI-X.
export { PciConfigSpace } from './config';
export { type PciBar, type PciBusHost, PciFunction, type PciIdentity } from './function';
export { GpexHost, type PciAddr } from './host';
export { Msix } from './msix';
export * as PciRegs from './regs';
export { createGpexRoot } from './root';
export { PciAddressSpace, PciWindow } from './window';
