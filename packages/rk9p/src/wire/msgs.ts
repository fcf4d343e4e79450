// The 9P2000.L messages as plain records: what a client sends (T) and what it receives (R). Field
// names follow diod's protocol.md and Linux's p9_client_* argument names.
import type { RkP9Attr, RkP9Dirent, RkP9Qid, RkP9SetAttr, RkP9Statfs } from '../api';

export type P9Tmsg =
  | { type: 'version'; msize: number; version: string }
  | { type: 'auth'; afid: number; uname: string; aname: string; nUname: number }
  | { type: 'attach'; fid: number; afid: number; uname: string; aname: string; nUname: number }
  | { type: 'flush'; oldtag: number }
  | { type: 'walk'; fid: number; newfid: number; names: readonly string[] }
  | { type: 'read'; fid: number; offset: number; count: number }
  | { type: 'write'; fid: number; offset: number; data: Uint8Array }
  | { type: 'clunk'; fid: number }
  | { type: 'remove'; fid: number }
  | { type: 'statfs'; fid: number }
  | { type: 'lopen'; fid: number; flags: number }
  | { type: 'lcreate'; fid: number; name: string; flags: number; mode: number; gid: number }
  | { type: 'symlink'; fid: number; name: string; target: string; gid: number }
  | {
      type: 'mknod';
      dfid: number;
      name: string;
      mode: number;
      major: number;
      minor: number;
      gid: number;
    }
  | { type: 'rename'; fid: number; dfid: number; name: string }
  | { type: 'readlink'; fid: number }
  | { type: 'getattr'; fid: number; mask: number }
  | { type: 'setattr'; fid: number; attr: RkP9SetAttr }
  | { type: 'xattrwalk'; fid: number; newfid: number; name: string }
  | { type: 'xattrcreate'; fid: number; name: string; size: number; flags: number }
  | { type: 'readdir'; fid: number; offset: bigint; count: number }
  | { type: 'fsync'; fid: number; datasync: number }
  | {
      type: 'lock';
      fid: number;
      lockType: number;
      flags: number;
      start: number;
      length: number;
      procId: number;
      clientId: string;
    }
  | {
      type: 'getlock';
      fid: number;
      lockType: number;
      start: number;
      length: number;
      procId: number;
      clientId: string;
    }
  | { type: 'link'; dfid: number; fid: number; name: string }
  | { type: 'mkdir'; dfid: number; name: string; mode: number; gid: number }
  | { type: 'renameat'; olddfid: number; oldname: string; newdfid: number; newname: string }
  | { type: 'unlinkat'; dfid: number; name: string; flags: number };

export type P9Rmsg =
  | { type: 'lerror'; ecode: number }
  | { type: 'version'; msize: number; version: string }
  | { type: 'auth'; aqid: RkP9Qid }
  | { type: 'attach'; qid: RkP9Qid }
  | { type: 'flush' }
  | { type: 'walk'; qids: RkP9Qid[] }
  /** `data` is a view into the reply buffer: copy it before the request slot is released. */
  | { type: 'read'; data: Uint8Array }
  | { type: 'write'; count: number }
  | { type: 'clunk' }
  | { type: 'remove' }
  | ({ type: 'statfs' } & RkP9Statfs)
  | { type: 'lopen'; qid: RkP9Qid; iounit: number }
  | { type: 'lcreate'; qid: RkP9Qid; iounit: number }
  | { type: 'symlink'; qid: RkP9Qid }
  | { type: 'mknod'; qid: RkP9Qid }
  | { type: 'rename' }
  | { type: 'readlink'; target: string }
  | { type: 'getattr'; attr: RkP9Attr }
  | { type: 'setattr' }
  | { type: 'xattrwalk'; size: number }
  | { type: 'xattrcreate' }
  | { type: 'readdir'; entries: RkP9Dirent[] }
  | { type: 'fsync' }
  | { type: 'lock'; status: number }
  | {
      type: 'getlock';
      lockType: number;
      start: number;
      length: number;
      procId: number;
      clientId: string;
    }
  | { type: 'link' }
  | { type: 'mkdir'; qid: RkP9Qid }
  | { type: 'renameat' }
  | { type: 'unlinkat' };

export type P9Type = P9Tmsg['type'];
/** The reply record answering a T-message of type `T`. */
export type P9RFor<T extends P9Type> = Extract<P9Rmsg, { type: T }>;
