// @runikraft/vfscore: the virtual file system switch (Unikraft lib/vfscore).
export * from './constants';
export type * from './driver';
