// Serving a vfscore directory (`httpreply.root=/share`): each request's paths are looked up under
// the root with one lstat per component — a symbolic link anywhere on the way is 403, as nginx's
// `disable_symlinks on` (a link could point out of the root: the guest's namespace is not the share's),
// and so is anything but a regular file or a directory — and a file is read whole before it is sent.
// ".." and %2e%2e never reach here: the request parser resolves them and refuses climbing above "/".
import type { RkVfs } from '@runikraft/vfscore';
import { O_RDONLY, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '@runikraft/vfscore';
import type { HttpConnSource, HttpDirSource, HttpEntry } from './http/site';

const PENDING: HttpEntry = { kind: 'pending' };
const DIR: HttpEntry = { kind: 'dir' };
const FORBIDDEN: HttpEntry = { kind: 'forbidden' };

/**
 * The request path's bytes (the parser decodes %XX into one char per byte) as the UTF-8 name
 * vfscore takes. @returns null when they are not UTF-8 (no such file can exist).
 */
function utf8Path(path: string): string | null {
  let ascii = true;
  for (let i = 0; i < path.length && ascii; i++) ascii = path.charCodeAt(i) < 0x80;
  if (ascii) return path;
  const bytes = Uint8Array.from(path, (c) => c.charCodeAt(0));
  const name = new TextDecoder().decode(bytes);
  const back = new TextEncoder().encode(name);
  return back.length === bytes.length && back.every((b, i) => b === bytes[i]) ? name : null;
}

/** Reads the whole regular file at `path` of `size` bytes. @returns the bytes, or -errno. */
async function readWhole(v: RkVfs, path: string, size: number): Promise<Uint8Array | number> {
  const fd = await v.open(path, O_RDONLY);
  if (fd < 0) return fd;
  const out = new Uint8Array(size);
  let off = 0;
  while (off < size) {
    const n = await v.read(fd, out.subarray(off));
    if (n < 0) {
      await v.close(fd);
      return n;
    }
    if (n === 0) break;
    off += n;
  }
  await v.close(fd);
  return off === size ? out : out.subarray(0, off);
}

/** What `path` (normalised, under `root`) names, after I/O. */
async function load(v: RkVfs, root: string, path: string): Promise<HttpEntry | null> {
  const name = utf8Path(path);
  if (name === null) return null;
  let at = root;
  let st = await v.lstat(root || '/');
  for (const part of name.split('/')) {
    if (part === '') continue;
    if (typeof st === 'number' || (st.mode & S_IFMT) !== S_IFDIR) return null;
    at = `${at}/${part}`;
    st = await v.lstat(at);
    if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFLNK) return FORBIDDEN;
  }
  if (typeof st === 'number') return null;
  const type = st.mode & S_IFMT;
  if (type === S_IFDIR) return DIR;
  if (type !== S_IFREG) return FORBIDDEN;
  const data = await readWhole(v, at, st.size);
  if (typeof data === 'number') return null;
  const mtime = st.mtime.sec;
  return { kind: 'file', file: { size: data.length, mtime, bytes: () => data } };
}

/** One connection's lookups: answered from this request's loads, else 'pending' while loading. */
class VfsConnSource implements HttpConnSource {
  private readonly known = new Map<string, HttpEntry | null>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly v: RkVfs,
    private readonly root: string,
  ) {}

  lookup(path: string): HttpEntry | null {
    const k = this.known.get(path);
    if (k !== undefined) return k;
    const prev = this.loading;
    // one load at a time: the connection's thread parks in each
    this.loading = (async () => {
      if (prev) await prev;
      this.known.set(path, await load(this.v, this.root, path));
    })();
    return PENDING;
  }

  async wait(): Promise<void> {
    while (this.loading) {
      const l = this.loading;
      await l;
      if (this.loading === l) this.loading = null;
    }
  }

  clear(): void {
    this.known.clear();
  }
}

/**
 * The documents under the vfscore directory `root` (an absolute path, no trailing slash). Read per
 * request, so changes on a shared directory show at once; files are held in memory while sent.
 */
export function vfsSite(v: RkVfs, root: string): HttpDirSource {
  const base = root === '/' ? '' : root;
  return {
    lookup: () => PENDING,
    connect: () => new VfsConnSource(v, base),
  };
}

/**
 * The site for `httpreply.root=`: the vfscore directory `root` (absolute).
 * @returns the site, or a message saying why `root` cannot be served.
 */
export async function openStaticRoot(v: RkVfs, root: string): Promise<HttpDirSource | string> {
  const dir = root.length > 1 ? root.replace(/\/+$/, '') : root;
  if (!dir.startsWith('/')) return `httpreply: root '${root}' is not an absolute path`;
  const st = await v.stat(dir);
  if (typeof st === 'number') return `httpreply: root '${root}': errno ${-st}`;
  if ((st.mode & S_IFMT) !== S_IFDIR) return `httpreply: root '${root}' is not a directory`;
  return vfsSite(v, dir);
}
