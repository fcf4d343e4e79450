// virtio on the machine side: the split-virtqueue walker and the device models with their parsers.
// Re-exported by machine/index.ts: `export * from './virtio'`.
export * from './devices';
export {
  DeviceVirtqueue,
  VirtqFault,
  checkLayout,
  legacyLayout,
  type VirtqChain,
  type VirtqSeg,
} from './queue';
