// Host backends of the virtio devices: net (stream, dgram, tap, hub), blk (file, memory), rng.
// Re-exported by machine/index.ts: `export * from './backends'`.
export { createBlockBackend, parseDrive, type DriveSpec } from './blk/args';
export { BlockBackend, type BlkErrorRule, type BlkOp } from './blk/backend';
export { FileBlockBackend } from './blk/file';
export { MemoryBlockBackend } from './blk/memory';
export { createNetBackend, parseNetdev, type NetdevSpec } from './net/args';
export { NetBackend, type NetPeer } from './net/backend';
export { DgramNetBackend } from './net/dgram';
export { HubPort, NetHub, sharedHub, type HubFaults } from './net/hub';
export { splitOpts } from './net/qemu-opts';
export { StreamNetBackend, type StreamAddr } from './net/stream';
export { TapNetBackend, tapUnavailableReason } from './net/tap';
export { counterRng, hostRng, type RngBackend } from './rng/backend';
