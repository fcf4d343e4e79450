// @runikraft/vfscore: the virtual file system switch (Unikraft lib/vfscore).
export type * from './api';
export { COARSE_CLOCK_NS, coarseWallClock } from './clock';
export * from './constants';
export type * from './driver';
export { RkInitrdError, unpackCpio } from './initrd';
export { andThen } from './io';
export { library, VFSCORE_PARAMS, vfscoreOf } from './library';
export { MS_RDONLY, parseFstab, type RkFstabEntry } from './mounts';
export { type RkFsSteps, runSteps, wait } from './steps';
export { RkVfsCore } from './vfs';
export {
  RkWriteBehind,
  type RkWriteBehindFile,
  type RkWriteBehindRun,
} from './writebehind';
