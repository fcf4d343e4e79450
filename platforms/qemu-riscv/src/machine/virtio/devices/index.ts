// virtio device models (virtio 1.2 §5) and the QEMU-style argument parsers that create them.
export * from './args';
export * from './blk';
export * from './model';
export * from './net';
export * from './p9';
export * from './rng';
