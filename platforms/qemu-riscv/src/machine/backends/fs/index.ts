// The host side of virtio-9p: a 9P2000.L server confined to a directory, its socket front and the
// -fsdev/-virtfs parsers.
export { createFsdevServer, type FsdevSpec, parseFsdev, parseVirtfs } from './args';
export { P9Errno } from './errno';
export {
  type Fid,
  P9_MIN_MSIZE,
  P9Server,
  type P9ServerOptions,
  type SecurityModel,
} from './server';
export { listenP9, serveP9Socket } from './socket';
export { NOFID, NOTAG, P9, P9_IOHDRSZ, P9DecodeError, P9Reader, P9Writer, type Qid } from './wire';
