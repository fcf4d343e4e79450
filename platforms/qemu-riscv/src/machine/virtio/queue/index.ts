// The split-virtqueue walker used by every virtio device model (virtio 1.2 §2.7).
export * from './chain';
export * from './constants';
export * from './layout';
export * from './sg';
export * from './virtqueue';
