// What a parsed request gets, as nginx's static + index modules with default settings answer it:
// GET/HEAD of a file is 200; a directory without its trailing slash is 301 to the slashed URI
// (port_in_redirect); a directory with one serves its index.html or is 403; other methods are 405
// (POST only once a file was found: a missing path is 404, a directory 301). What a source does not
// serve (a symbolic link under a vfscore root, as nginx's disable_symlinks on) is 403.
import type { HttpRequest } from './request';
import type { HttpDirSource, HttpFile } from './site';

/** The outcome of routing: a file to send or a status page (with a Location for redirects). */
export type HttpRoute =
  | { readonly kind: 'file'; readonly path: string; readonly file: HttpFile }
  | { readonly kind: 'status'; readonly status: number; readonly location?: string }
  | { readonly kind: 'pending' };

const PENDING: HttpRoute = { kind: 'pending' };

/** Where the server is reached, for redirects: the local address and the listening port. */
export interface HttpLocalEnd {
  readonly addr: string;
  readonly port: number;
}

/** Routes `req` against `site` (client_max_body_size is checked first, as nginx's find-config phase). */
export function route(
  req: HttpRequest,
  site: HttpDirSource,
  local: HttpLocalEnd,
  maxBodyBytes: number,
): HttpRoute {
  if (req.contentLength > maxBodyBytes) return { kind: 'status', status: 413 };
  const m = req.method;
  if (m !== 'GET' && m !== 'HEAD' && m !== 'POST') return { kind: 'status', status: 405 };
  let path = req.path;
  if (path.endsWith('/')) {
    const dir = path === '/' ? '/' : path.slice(0, -1);
    const index = site.lookup(`${path}index.html`);
    if (index?.kind === 'pending') return PENDING;
    if (index?.kind === 'file') path = `${path}index.html`;
    else {
      const d = site.lookup(dir);
      if (d?.kind === 'pending') return PENDING;
      return { kind: 'status', status: d?.kind === 'dir' || d?.kind === 'forbidden' ? 403 : 404 };
    }
  }
  const entry = site.lookup(path);
  if (entry === null) return { kind: 'status', status: 404 };
  if (entry.kind === 'pending') return PENDING;
  if (entry.kind === 'forbidden') return { kind: 'status', status: 403 };
  if (entry.kind === 'dir') {
    const host = req.host ?? local.addr;
    const port = local.port === 80 ? '' : `:${local.port}`;
    const query = req.query === null ? '' : `?${req.query}`;
    return { kind: 'status', status: 301, location: `http://${host}${port}${path}/${query}` };
  }
  if (m === 'POST') return { kind: 'status', status: 405 };
  return { kind: 'file', path, file: entry.file };
}
