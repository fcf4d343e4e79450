// The host bridge's own function at 00:00.0 (QEMU gpex-root, "pci-host-bridge" class 0x0600): Red Hat
// 1b36:0008, no BARs, no interrupt pin.
import { PciFunction } from './function';
import {
  PCI_CLASS_BRIDGE_HOST,
  PCI_DEVICE_ID_REDHAT_PCIE_HOST,
  PCI_VENDOR_ID_REDHAT,
} from './regs';

export function createGpexRoot(): PciFunction {
  return new PciFunction('gpex-root', {
    vendor: PCI_VENDOR_ID_REDHAT,
    device: PCI_DEVICE_ID_REDHAT_PCIE_HOST,
    revision: 0,
    classCode: PCI_CLASS_BRIDGE_HOST << 8,
  });
}
