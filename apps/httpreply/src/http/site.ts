// Where httpreply's documents come from: a small interface so that the built-in page, an in-memory
// tree and a vfscore directory (src/static.ts) are interchangeable. Paths are normalised absolute
// paths. A source whose lookups need I/O answers 'pending' and loads; the connection waits and asks
// again (the engine stays synchronous).
import { INDEX_PAGE, INDEX_PAGE_MTIME } from './index-page';

/** A regular file as the server needs it. */
export interface HttpFile {
  readonly size: number;
  /** Modification time in seconds since the epoch (Last-Modified, ETag). */
  readonly mtime: number;
  /** The contents; the server sends these bytes as they are (no copy). */
  bytes(): Uint8Array;
}

/**
 * What one path names: a file, a directory, something not served (403: a symbolic link or a special
 * file under a vfscore root), or 'pending' (an I/O source has not loaded it yet).
 */
export type HttpEntry =
  | { readonly kind: 'file'; readonly file: HttpFile }
  | { readonly kind: 'dir' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'pending' };

/**
 * One connection's view of a source whose lookups need I/O: `lookup` answers from what it loaded
 * for the current request, else starts loading and answers 'pending'.
 */
export interface HttpConnSource extends HttpDirSource {
  /** Resolves once the loads `lookup` started are done (parks the caller's thread). */
  wait(): Promise<void>;
  /** Forgets what was loaded: called after each answered request, so the next one sees changes. */
  clear(): void;
}

/** A read-only document tree. */
export interface HttpDirSource {
  /**
   * Looks up a normalised path ("/", "/a/b.html": no "." or ".." segments, no repeated slashes, no
   * trailing slash except for "/"). @returns the entry, or null when nothing is there.
   */
  lookup(path: string): HttpEntry | null;
  /** A per-connection view, for sources whose lookups need I/O (absent: lookups never pend). */
  connect?(): HttpConnSource;
}

/** A tree held in memory: file paths to contents; directories are implied by the paths. */
export function memorySite(
  files: Readonly<Record<string, Uint8Array | string>>,
  mtime = INDEX_PAGE_MTIME,
): HttpDirSource {
  const entries = new Map<string, HttpEntry>([['/', { kind: 'dir' }]]);
  const enc = new TextEncoder();
  for (const [path, data] of Object.entries(files)) {
    if (!path.startsWith('/') || path.endsWith('/') || path.includes('//'))
      throw new Error(`memorySite: '${path}' is not a normalised absolute file path`);
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    entries.set(path, { kind: 'file', file: { size: bytes.length, mtime, bytes: () => bytes } });
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1))
      entries.set(path.slice(0, i), { kind: 'dir' });
  }
  return { lookup: (path) => entries.get(path) ?? null };
}

/** The default site: the 612-byte index page at / (as /index.html) and nothing else. */
export function builtinSite(): HttpDirSource {
  return memorySite({ '/index.html': INDEX_PAGE }, INDEX_PAGE_MTIME);
}
