// The file-system driver contract (Unikraft vfscore's struct vfsops + struct vnops): what ramfs, devfs,
// 9pfs and a third party's file system implement. vfscore owns paths, vnodes, the name cache and fds;
// a driver owns its nodes and their data, and answers one operation on one node at a time.
//
// Errno convention (the whole contract): every operation returns a negative errno (`-Errno.ENOENT`)
// for failure, never throws for a file-system condition. A result that may be an object is `T | number`
// and any number is an error. A driver that waits on a device (9pfs over virtio) returns a Promise,
// which parks the calling thread; a driver that does not (ramfs) returns plain values — vfscore takes
// both (RkFsResult) and stays synchronous-fast on the plain path.
export type RkFsResult<T> = T | Promise<T>;

/** Seconds and nanoseconds since the Unix epoch (times come from the guest wall clock). */
export interface RkFsTime {
  sec: number;
  nsec: number;
}

/**
 * A driver's node (inode). The driver may extend it with anything; vfscore reads only these two.
 * `ino` is unique within a mount for as long as the file exists (vfscore keys vnodes by it), and
 * `type` (mode & S_IFMT) never changes.
 */
export interface RkFsNode {
  readonly ino: number;
  readonly type: number;
}

/** struct vattr / struct stat: what getattr fills in. Sizes in bytes, `blocks` in 512-byte units. */
export interface RkFsAttr {
  ino: number;
  /** Type and permission bits (S_IFREG | 0o644). */
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  /** Device number for S_IFCHR/S_IFBLK nodes, else 0. */
  rdev: number;
  size: number;
  blocks: number;
  blksize: number;
  atime: RkFsTime;
  mtime: RkFsTime;
  ctime: RkFsTime;
}

/**
 * What setattr changes (struct iattr): only the fields present. vfscore has already resolved
 * UTIME_NOW to the wall clock, checked that `size` applies to a regular file and is >= 0, and masked
 * `mode` to permission bits. The driver updates ctime whenever it changes anything, and mtime when
 * `size` changes (Linux: truncate sets both even when the size is unchanged).
 */
export interface RkFsSetattr {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: RkFsTime;
  mtime?: RkFsTime;
}

/** struct statfs (f_type is the driver's magic, e.g. RAMFS_MAGIC 0x858458f6, V9FS_MAGIC 0x01021997). */
export interface RkFsStatfs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  namelen: number;
  frsize: number;
  flags: number;
}

/**
 * Receives one directory entry from readdir. `next` is the cookie that resumes after this entry.
 * @returns false when the caller's buffer is full: the entry was NOT taken and readdir must stop
 * and return 0 (the caller resumes from this entry's cookie later).
 */
export type RkFsDirSink = (name: string, ino: number, dtype: number, next: number) => boolean;

/** What a driver promises about itself; vfscore adapts to it. */
export interface RkFsCaps {
  /**
   * True when the file system only changes through this driver (ramfs, devfs, 9pfs cache=loose):
   * vfscore then caches name→node lookups and reuses them without asking. False (9pfs cache=none)
   * makes vfscore call lookup on every path walk.
   */
  readonly nameCache: boolean;
  /** The longest name the fs stores, in UTF-8 bytes (<= NAME_MAX); vfscore rejects longer with ENAMETOOLONG. */
  readonly nameMax?: number;
}

/**
 * A mounted file system (struct mount + its vfsops + the vnops of its nodes). `N` is the driver's node
 * type and `H` its open-file handle (an object: for ramfs the node itself, for 9pfs an opened fid).
 *
 * What vfscore guarantees before calling (so drivers need not check):
 * - names are never "", "." or "..", contain no "/" or NUL, and fit `caps.nameMax`;
 * - `dir` arguments are directories of this mount; nodes come from this mount's lookup/create;
 * - create/mkdir/symlink/mknod/link are called only after lookup found no entry of that name;
 * - unlink is called for non-directories and rmdir for directories (after lookup of that name);
 * - rename: the source exists; if the target exists, both are directories or both are not, the
 *   target is not the source, and the target directory is not inside the source; with
 *   RENAME_NOREPLACE the target did not exist;
 * - read/write/readdir/fsync/close get handles this driver's open returned; offsets are >= 0 and
 *   offset + length <= Number.MAX_SAFE_INTEGER; write is never called on an O_RDONLY handle;
 * - nothing is called after unmount.
 * What a driver checks itself: rmdir of a non-empty directory (ENOTEMPTY), rename over a non-empty
 * directory (ENOTEMPTY), space (ENOSPC), read-only mounts (EROFS), file size limits (EFBIG), and
 * anything its backing store can refuse (9P servers answer with errno).
 */
export interface RkFs<N extends RkFsNode = RkFsNode, H extends object = object> {
  readonly root: N;
  readonly caps: RkFsCaps;

  /** Finds `name` in `dir`. @returns the node, or -ENOENT, -ENOTDIR, -EACCES, -EIO. */
  lookup(dir: N, name: string): RkFsResult<N | number>;
  /** Creates a regular file (`mode`: permission bits). @returns the new node, or -EEXIST, -ENOSPC, -EROFS, -EIO. */
  create(dir: N, name: string, mode: number): RkFsResult<N | number>;
  /** Creates a directory. @returns the new node, or -EEXIST, -ENOSPC, -EMLINK, -EROFS. */
  mkdir(dir: N, name: string, mode: number): RkFsResult<N | number>;
  /** Creates a symbolic link holding `target` (stored verbatim). @returns the node, or -ENOSPC, -EROFS. */
  symlink(dir: N, name: string, target: string): RkFsResult<N | number>;
  /** Creates a special file (`mode` carries S_IFIFO/S_IFCHR/...). Optional: absent means -EPERM. */
  mknod?(dir: N, name: string, mode: number, rdev: number): RkFsResult<N | number>;
  /** Adds a hard link `dir/name` to the non-directory `node`. @returns 0, or -EMLINK, -ENOSPC, -EPERM, -EXDEV. */
  link(node: N, dir: N, name: string): RkFsResult<number>;
  /** Removes the non-directory entry `dir/name` (which is `node`). @returns 0, or -EROFS, -EBUSY, -EIO. */
  unlink(dir: N, name: string, node: N): RkFsResult<number>;
  /** Removes the directory entry `dir/name` (which is `node`). @returns 0, or -ENOTEMPTY, -EBUSY, -EROFS. */
  rmdir(dir: N, name: string, node: N): RkFsResult<number>;
  /**
   * Moves `odir/oname` to `ndir/nname`, atomically replacing an existing target (RENAME_NOREPLACE
   * and RENAME_EXCHANGE arrive in `flags`; a driver that cannot do EXCHANGE returns -EINVAL).
   * @returns 0, or -ENOTEMPTY (target a non-empty directory), -EMLINK, -ENOSPC, -EROFS, -EXDEV.
   */
  rename(odir: N, oname: string, ndir: N, nname: string, flags: number): RkFsResult<number>;
  /** The target of a symbolic link. @returns the text, or -EINVAL (not a symlink), -EIO. */
  readlink(node: N): RkFsResult<string | number>;
  /** Fills `out` with the node's attributes. @returns 0, or -EIO, -ESTALE-like -ENOENT. */
  getattr(node: N, out: RkFsAttr): RkFsResult<number>;
  /** Changes attributes (see RkFsSetattr). @returns 0, or -EPERM, -EROFS, -ENOSPC/-EFBIG (size), -EIO. */
  setattr(node: N, set: RkFsSetattr): RkFsResult<number>;

  /**
   * Opens `node` for I/O (open hook; `flags` are the open(2) flags, O_CREAT/O_EXCL/O_TRUNC already
   * handled by vfscore). Called once per open file description, also for directories (readdir).
   * @returns the handle, or -EACCES, -EROFS, -ENXIO, -EIO.
   */
  open(node: N, flags: number): RkFsResult<H | number>;
  /** Closes a handle (close hook; the last close of an open file description). @returns 0 or -EIO. */
  close(handle: H): RkFsResult<number>;
  /**
   * Reads up to `buf.length` bytes at `offset` into `buf`. @returns bytes read (0 at or past EOF;
   * holes read as zeros), or -EISDIR, -EIO, -EAGAIN.
   */
  read(handle: H, buf: Uint8Array, offset: number): RkFsResult<number>;
  /**
   * Writes `buf` at `offset` (O_APPEND is resolved by vfscore into the offset), extending the file
   * and leaving a hole when offset > size. @returns bytes written (> 0 unless buf is empty; a short
   * count when space ran out part-way), or -ENOSPC, -EFBIG, -EROFS, -EIO.
   */
  write(handle: H, buf: Uint8Array, offset: number): RkFsResult<number>;
  /**
   * Emits entries of an open directory from `cookie` (0 = the start) to `sink` until it returns
   * false or the directory ends. The first entries are "." and ".." (as Linux file systems emit
   * them). Cookies are the driver's, opaque to vfscore, and stay valid while the directory changes.
   * @returns 0 (stopped or ended), or -ENOTDIR, -EIO.
   */
  readdir(handle: H, cookie: number, sink: RkFsDirSink): RkFsResult<number>;
  /** Flushes a file's data (and metadata unless `datasync`). @returns 0, or -EIO. */
  fsync(handle: H, datasync: boolean): RkFsResult<number>;
  /**
   * Readiness of an open handle (Linux's file_operations.poll, for devices such as the console):
   * POLLIN/POLLOUT/POLLERR/POLLHUP bits, Linux values. Optional: absent means always ready for
   * reading and writing, as Linux's poll on a regular file.
   */
  poll?(handle: H): number;
  /**
   * Adds a watcher called each time the handle's readiness may have changed, with the events the
   * change concerns (POLLIN: input arrived). Goes with poll. @returns the function that removes it.
   */
  watch?(handle: H, w: (events: number) => void): () => void;

  /** Fills `out` (statfs(2)). @returns 0 or -EIO. */
  statfs(out: RkFsStatfs): RkFsResult<number>;
  /** Flushes everything (sync(2)). @returns 0 or -EIO. */
  sync(): RkFsResult<number>;
  /** Detaches the file system; vfscore has closed every handle of it. @returns 0, or -EBUSY. */
  unmount(): RkFsResult<number>;
  /**
   * vfscore dropped its vnode for `node` (evicted from the name cache with no open file left, or a
   * second node for an ino it already holds). Optional: 9pfs clunks the fid here.
   */
  release?(node: N): void;
}

/** The environment a file system gets at mount. */
export interface RkFsEnv {
  /** The guest wall clock (CLOCK_REALTIME), for the times the driver stamps. */
  now(): RkFsTime;
}

/** What mount receives (mount(2)'s arguments, as an fstab line: source, target, type, options). */
export interface RkFsMountArgs {
  /** The device or tag (`none` for ramfs, `initrd`, the 9p mount_tag). */
  readonly source: string;
  /** Where it is mounted, for messages. */
  readonly target: string;
  /** The driver's options string ("cache=loose,msize=65536"), "" when none. */
  readonly options: string;
  /** MS_RDONLY-like: the driver refuses every change with -EROFS. */
  readonly readonly: boolean;
  readonly env: RkFsEnv;
}

/**
 * A file-system type (struct vfscore_fs_type): registered with vfscore under `name` (the fstab type),
 * mounted any number of times. A third party's file system is an npm package exporting one of these.
 * @returns from mount: the mounted fs, or -EINVAL (bad options; the driver should also say why on the
 * console), -ENODEV (no such device/tag), -ENOMEM, -EIO.
 */
export interface RkFsType {
  readonly name: string;
  mount(args: RkFsMountArgs): RkFsResult<RkFs<any, any> | number>;
}
