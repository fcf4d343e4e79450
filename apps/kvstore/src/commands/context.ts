// What a command handler sees, and the argument helpers every command shares (Redis's
// getLongLongFromObjectOrReply and friends), with Redis 7's error texts.
import type { RespWriter } from '../resp/reply';
import type { KvKeyspace } from '../store/keyspace';

export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_TOO_BIG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';

export const LLONG_MAX = (1n << 63n) - 1n;
export const LLONG_MIN = -(1n << 63n);

/** Server-wide figures INFO reports and commands update. */
export interface KvServerState {
  readonly startMs: number;
  readonly port: number;
  connectedClients: number;
  totalConnections: number;
  totalCommands: number;
  /** The limit reported as maxmemory (the heap's size). */
  readonly maxmemory: number;
}

/** One command's execution context. */
export interface KvContext {
  readonly db: KvKeyspace;
  readonly out: RespWriter;
  readonly server: KvServerState;
  /** Set by QUIT: close after the reply. */
  close: boolean;
}

/** A byte string (latin1) of bytes. */
export function str(b: Uint8Array): string {
  if (b.length <= 4096) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < b.length; i += 4096)
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/** The bytes of a byte string. */
export function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Case-insensitive ASCII comparison of an argument with a lower-case keyword. */
export function is(arg: Uint8Array, keyword: string): boolean {
  if (arg.length !== keyword.length) return false;
  for (let i = 0; i < arg.length; i++) if ((arg[i] | 0x20) !== keyword.charCodeAt(i)) return false;
  return true;
}

/** Redis's string2ll as a 64-bit value: optional '-', digits, no leading zeros, in range. Null if not. */
export function parseLL(b: Uint8Array): bigint | null {
  if (b.length === 0 || b.length > 20) return null;
  const s = str(b);
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v > LLONG_MAX || v < LLONG_MIN ? null : v;
}

/** parseLL, replying Redis's "not an integer" error when it fails. */
export function llOrReply(ctx: KvContext, b: Uint8Array): bigint | null {
  const v = parseLL(b);
  if (v === null) ctx.out.error(ERR_NOT_INTEGER);
  return v;
}
