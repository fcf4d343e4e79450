// Session requests: Tversion (msize negotiation), Tauth, Tattach, Tflush, Twalk, Tclunk.
import { E, p9err } from './errno';
import { checkName, child } from './names';
import { type Fid, type Handler, P9_MIN_MSIZE } from './server';
import { qidOf } from './stat';
import { NOFID, P9, P9_MAXWELEM, type Qid } from './wire';

const version: Handler = (s, r, w) => {
  const msize = r.u32('msize');
  const ver = r.str('version');
  r.end();
  // A new session: QEMU (virtfs_reset) and the spec abort everything outstanding and clunk every fid.
  s.clunkAll();
  if (ver !== '9P2000.L') {
    w.u32(Math.min(msize, s.msize)).str('unknown');
    return;
  }
  if (msize < P9_MIN_MSIZE) throw p9err(E.EMSGSIZE, `msize ${msize} < ${P9_MIN_MSIZE}`);
  const granted = Math.min(msize, s.maxMsize);
  // The reply goes out through this request's writer; later replies through one of `granted` bytes.
  s.setMsize(granted);
  w.u32(granted).str(ver);
};

const auth: Handler = (_s, r) => {
  r.u32('afid');
  r.str('uname');
  r.str('aname');
  r.u32('n_uname');
  r.end();
  // ENOENT = "no authentication required", as diod answers; libnpclient (diodcat, diodls) goes
  // on to attach after it, while QEMU's EOPNOTSUPP makes those clients give up.
  throw p9err(E.ENOENT, 'no authentication: attach with afid = NOFID');
};

const attach: Handler = (s, r, w) => {
  const fid = r.u32('fid');
  const afid = r.u32('afid');
  r.str('uname');
  r.str('aname');
  const nUname = r.u32('n_uname');
  r.end();
  if (afid !== NOFID) throw p9err(E.EINVAL, `afid ${afid}: no authentication fids exist`);
  if (s.fids.has(fid)) throw p9err(E.EINVAL, `fid ${fid} is already in use`);
  const qid = qidOf(s.lstat([]));
  // n_uname = ~0 (unspecified) attaches as root, as QEMU's passthrough does for a missing uid.
  s.fids.set(fid, { path: [], uid: nUname === NOFID ? 0 : nUname, file: null, dir: null });
  w.qid(qid);
};

const flush: Handler = (_s, r) => {
  r.u16('oldtag');
  r.end();
  // Requests are answered before the next one is read: the old tag has no request in flight.
};

const walk: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const newfid = r.u32('newfid');
  const n = r.u16('nwname');
  if (n > P9_MAXWELEM) throw p9err(E.EINVAL, `nwname ${n} > ${P9_MAXWELEM}`);
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(r.str(`wname[${i}]`));
  r.end();
  const f = s.fid(fidNo, E.ENOENT);
  for (const name of names) checkName(s, name);
  if (fidNo === newfid) {
    if (f.file || f.dir) throw p9err(E.EINVAL, `fid ${fidNo} is open: walk it to a new fid`);
  } else if (s.fids.has(newfid)) throw p9err(E.EINVAL, `newfid ${newfid} is already in use`);
  let path = f.path;
  const qids: Qid[] = [];
  for (const name of names) {
    const next = child(path, name);
    try {
      qids.push(qidOf(s.lstat(next)));
    } catch (e) {
      if (qids.length === 0) throw e;
      break; // a partial walk answers the qids so far and leaves newfid unused
    }
    path = next;
  }
  if (qids.length === names.length) {
    if (fidNo === newfid) f.path = path;
    else s.fids.set(newfid, { path, uid: f.uid, file: null, dir: null } satisfies Fid);
  }
  w.u16(qids.length);
  for (const q of qids) w.qid(q);
};

const clunk: Handler = (s, r) => {
  const fid = r.u32('fid');
  r.end();
  const f = s.fid(fid, E.ENOENT);
  s.fids.delete(fid);
  s.release(f);
};

export const sessionOps: Record<number, Handler> = {
  [P9.Tversion]: version,
  [P9.Tauth]: auth,
  [P9.Tattach]: attach,
  [P9.Tflush]: flush,
  [P9.Twalk]: walk,
  [P9.Tclunk]: clunk,
};
