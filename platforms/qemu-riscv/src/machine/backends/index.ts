// Host backends of the virtio devices: net (user, stream, dgram, tap, hub), blk (file, memory), rng.
// Re-exported by machine/index.ts: `export * from './backends'`.
export { createBlockBackend, type DriveSpec, parseDrive } from './blk/args';
export { type BlkErrorRule, type BlkOp, BlockBackend } from './blk/backend';
export { FileBlockBackend } from './blk/file';
export { MemoryBlockBackend } from './blk/memory';
export { isPflashDrive, openPflashDrives } from './blk/pflash-args';
export * from './fs';
export { createNetBackend, type HostPort, type NetdevSpec, parseNetdev } from './net/args';
export { NetBackend, type NetPeer } from './net/backend';
export { DgramNetBackend } from './net/dgram';
export { type HubFaults, HubPort, NetHub, sharedHub } from './net/hub';
export { splitOpts } from './net/qemu-opts';
export { type StreamAddr, StreamNetBackend } from './net/stream';
export { TapNetBackend, tapUnavailableReason } from './net/tap';
export { UserNetBackend, type UserNetOptions } from './net/user/backend';
export { type HostFwd, parseHostFwd, type UserNetConfig } from './net/user/config';
export { counterRng, hostRng, type RngBackend } from './rng/backend';
