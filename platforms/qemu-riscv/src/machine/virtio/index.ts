// virtio on the machine side: the split-virtqueue walker and the device models with their parsers.
// Re-exported by machine/index.ts: `export * from './virtio'`.
export * from './devices';
export {
  checkLayout,
  DeviceVirtqueue,
  legacyLayout,
  type VirtqChain,
  VirtqFault,
  type VirtqSeg,
} from './queue';
