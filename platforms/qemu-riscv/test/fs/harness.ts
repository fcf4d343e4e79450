// A P9Server over a fresh temp share, driven with test-built T-messages (tmsg.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { P9Server, type P9ServerOptions } from '../../src/machine/backends/fs/server';
import { rinfo, T } from './tmsg';

export interface Rig {
  /** Parent of the share: holds `outside/secret` (must never be read or changed). */
  dir: string;
  share: string;
  outside: string;
  server: P9Server;
  traces: string[];
  /** Sends one T-message; returns the reply bytes (a copy). */
  rpc(msg: Uint8Array): Uint8Array;
  /** The errno of an Rlerror reply, or 0 for any other reply. */
  err(msg: Uint8Array): number;
  close(): void;
}

export function rig(opts: Omit<P9ServerOptions, 'root'> = {}, uid = 0): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'rk-p9-'));
  const share = join(dir, 'share');
  const outside = join(dir, 'outside');
  mkdirSync(join(share, 'a'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'outside the share\n');
  writeFileSync(join(share, 'a', 'f'), 'inside a\n');
  writeFileSync(join(share, 'top.txt'), 'top\n');
  const traces: string[] = [];
  const server = new P9Server({ root: share, trace: (l) => traces.push(l), ...opts });
  const rpc = (m: Uint8Array) => server.handle(m).slice();
  rpc(T.version(0xffff, 65536));
  rpc(T.attach(1, 0, uid));
  return {
    dir,
    share,
    outside,
    server,
    traces,
    rpc,
    err: (m) => rinfo(rpc(m)).errno ?? 0,
    close: () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Linux errno values the tests expect. */
export const ERR = {
  EPERM: 1,
  ENOENT: 2,
  EBADF: 9,
  EACCES: 13,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EROFS: 30,
  ELOOP: 40,
  ENOTEMPTY: 39,
  EPROTO: 71,
  EMSGSIZE: 90,
  EOPNOTSUPP: 95,
  ESTALE: 116,
} as const;

export const text = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);
/** The data of an Rread. */
export const rreadData = (r: Uint8Array) =>
  r.subarray(11, 11 + new DataView(r.buffer, r.byteOffset).getUint32(7, true));
