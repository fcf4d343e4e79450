// String commands (t_string.c): GET SET MGET MSET APPEND STRLEN INCR DECR INCRBY DECRBY, with
// Redis 7's option parsing order and error texts. Writes allocate first, so a full heap is an OOM
// reply with nothing changed and nothing else replied.

import { PROTO_MAX_BULK_LEN } from '../resp/parser';
import {
  ERR_NOT_INTEGER,
  ERR_OOM,
  ERR_OVERFLOW,
  ERR_SYNTAX,
  ERR_TOO_BIG,
  is,
  type KvContext,
  LLONG_MAX,
  LLONG_MIN,
  llOrReply,
  parseLL,
  str,
} from './context';

export function get(ctx: KvContext, argv: Uint8Array[]) {
  const e = ctx.db.lookupRead(str(argv[1]));
  ctx.out.bulk(e ? ctx.db.value(e) : null);
}

const F_NX = 1;
const F_XX = 2;
const F_GET = 4;
const F_KEEPTTL = 8;
const F_EX = 16;
const F_PX = 32;
const F_EXAT = 64;
const F_PXAT = 128;
const ANY_TTL = F_KEEPTTL | F_EX | F_PX | F_EXAT | F_PXAT;

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
export function set(ctx: KvContext, argv: Uint8Array[]) {
  let flags = 0;
  let expire: Uint8Array | null = null;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j];
    const ttl = is(o, 'ex')
      ? F_EX
      : is(o, 'px')
        ? F_PX
        : is(o, 'exat')
          ? F_EXAT
          : is(o, 'pxat')
            ? F_PXAT
            : 0;
    // a TTL option conflicts with the other TTL options, not with itself (the last one wins)
    if (is(o, 'nx') && !(flags & F_XX)) flags |= F_NX;
    else if (is(o, 'xx') && !(flags & F_NX)) flags |= F_XX;
    else if (is(o, 'get')) flags |= F_GET;
    else if (is(o, 'keepttl') && (flags & ANY_TTL & ~F_KEEPTTL) === 0) flags |= F_KEEPTTL;
    else if (ttl !== 0 && (flags & ANY_TTL & ~ttl) === 0 && j < argv.length - 1) {
      flags |= ttl;
      expire = argv[++j];
    } else return ctx.out.error(ERR_SYNTAX);
  }
  let at: number | 'keep' = flags & F_KEEPTTL ? 'keep' : -1;
  if (expire !== null) {
    const v = llOrReply(ctx, expire);
    if (v === null) return;
    const seconds = (flags & (F_EX | F_EXAT)) !== 0;
    const bad = () => ctx.out.error("ERR invalid expire time in 'set' command");
    if (v <= 0n || (seconds && v > LLONG_MAX / 1000n)) return bad();
    let ms = seconds ? v * 1000n : v;
    if (flags & (F_EX | F_PX)) {
      ms += BigInt(Math.floor(ctx.db.now()));
      if (ms > LLONG_MAX) return bad();
    }
    at = Number(ms);
  }
  const key = str(argv[1]);
  const found = ctx.db.lookup(key);
  if ((flags & F_NX && found) || (flags & F_XX && !found)) {
    if (flags & F_GET) ctx.out.bulk(found ? ctx.db.value(found) : null);
    else ctx.out.bulk(null);
    return;
  }
  const old = flags & F_GET && found ? ctx.db.value(found).slice() : null;
  if (!ctx.db.set(key, [argv[2]], at)) return ctx.out.error(ERR_OOM);
  if (flags & F_GET) ctx.out.bulk(old);
  else ctx.out.simple('OK');
}

export function mget(ctx: KvContext, argv: Uint8Array[]) {
  ctx.out.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.db.lookupRead(str(argv[i]));
    ctx.out.bulk(e ? ctx.db.value(e) : null);
  }
}

export function mset(ctx: KvContext, argv: Uint8Array[]) {
  if (argv.length % 2 === 0)
    return ctx.out.error("ERR wrong number of arguments for 'mset' command");
  let need = 0;
  for (let i = 1; i < argv.length; i += 2) need += argv[i].length + argv[i + 1].length;
  if (need > ctx.db.alloc.availmem()) return ctx.out.error(ERR_OOM);
  for (let i = 1; i < argv.length; i += 2)
    if (!ctx.db.set(str(argv[i]), [argv[i + 1]], -1)) return ctx.out.error(ERR_OOM);
  ctx.out.simple('OK');
}

export function append(ctx: KvContext, argv: Uint8Array[]) {
  const key = str(argv[1]);
  const e = ctx.db.lookup(key);
  const total = (e?.vlen ?? 0) + argv[2].length;
  if (total > PROTO_MAX_BULK_LEN) return ctx.out.error(ERR_TOO_BIG);
  const parts = e ? [ctx.db.value(e).slice(), argv[2]] : [argv[2]];
  if (!ctx.db.set(key, parts, 'keep')) return ctx.out.error(ERR_OOM);
  ctx.out.integer(total);
}

export function strlen(ctx: KvContext, argv: Uint8Array[]) {
  ctx.out.integer(ctx.db.lookupRead(str(argv[1]))?.vlen ?? 0);
}

function incrBy(ctx: KvContext, key: string, by: bigint) {
  const e = ctx.db.lookup(key);
  const cur = e ? parseLL(ctx.db.value(e)) : 0n;
  if (cur === null) return ctx.out.error(ERR_NOT_INTEGER);
  const next = cur + by;
  if (next > LLONG_MAX || next < LLONG_MIN) return ctx.out.error(ERR_OVERFLOW);
  const text = next.toString();
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
  if (!ctx.db.set(key, [b], 'keep')) return ctx.out.error(ERR_OOM);
  ctx.out.integer(next);
}

export const incr = (ctx: KvContext, argv: Uint8Array[]) => incrBy(ctx, str(argv[1]), 1n);
export const decr = (ctx: KvContext, argv: Uint8Array[]) => incrBy(ctx, str(argv[1]), -1n);

export function incrby(ctx: KvContext, argv: Uint8Array[]) {
  const by = llOrReply(ctx, argv[2]);
  if (by !== null) incrBy(ctx, str(argv[1]), by);
}

export function decrby(ctx: KvContext, argv: Uint8Array[]) {
  const by = llOrReply(ctx, argv[2]);
  if (by === null) return;
  if (by === LLONG_MIN) return ctx.out.error('ERR decrement would overflow');
  incrBy(ctx, str(argv[1]), -by);
}
