// Keyspace commands (db.c, expire.c): DEL EXISTS EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL PERSIST
// KEYS SCAN DBSIZE FLUSHALL FLUSHDB SELECT, with Redis 7's option rules and error texts.
import { globMatch } from '../store/glob';
import { ERR_SYNTAX, is, type KvContext, LLONG_MAX, LLONG_MIN, llOrReply, str } from './context';

export function del(ctx: KvContext, argv: Uint8Array[]) {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.delete(str(argv[i]))) n++;
  ctx.out.integer(n);
}

export function exists(ctx: KvContext, argv: Uint8Array[]) {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.lookupRead(str(argv[i]))) n++;
  ctx.out.integer(n);
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

function expireFlags(ctx: KvContext, argv: Uint8Array[]): number | null {
  let f = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j];
    if (is(o, 'nx')) f |= NX;
    else if (is(o, 'xx')) f |= XX;
    else if (is(o, 'gt')) f |= GT;
    else if (is(o, 'lt')) f |= LT;
    else {
      ctx.out.error(`ERR Unsupported option ${str(o)}`);
      return null;
    }
  }
  if (f & NX && f & (XX | GT | LT)) {
    ctx.out.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return null;
  }
  if (f & GT && f & LT) {
    ctx.out.error('ERR GT and LT options at the same time are not compatible');
    return null;
  }
  return f;
}

/** expireGenericCommand: `base` is added (now for relative forms), `seconds` scales by 1000. */
function expireGeneric(ctx: KvContext, argv: Uint8Array[], relative: boolean, seconds: boolean) {
  const flags = expireFlags(ctx, argv);
  if (flags === null) return;
  let when = llOrReply(ctx, argv[2]);
  if (when === null) return;
  const name = str(argv[0]).toLowerCase();
  const bad = () => ctx.out.error(`ERR invalid expire time in '${name}' command`);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return bad();
    when *= 1000n;
  }
  const now = Math.floor(ctx.db.now());
  const base = relative ? BigInt(now) : 0n;
  if (when > LLONG_MAX - base) return bad();
  when += base;
  const key = str(argv[1]);
  const e = ctx.db.lookup(key);
  if (!e) return ctx.out.integer(0);
  const cur = e.expireAt;
  const at = Number(when);
  if (
    (flags & NX && cur !== -1) ||
    (flags & XX && cur === -1) ||
    (flags & GT && (cur === -1 || at <= cur)) ||
    (flags & LT && cur !== -1 && at >= cur)
  )
    return ctx.out.integer(0);
  if (at <= now) ctx.db.delete(key);
  else ctx.db.setExpire(key, e, at);
  ctx.out.integer(1);
}

export const expire = (c: KvContext, a: Uint8Array[]) => expireGeneric(c, a, true, true);
export const pexpire = (c: KvContext, a: Uint8Array[]) => expireGeneric(c, a, true, false);
export const expireat = (c: KvContext, a: Uint8Array[]) => expireGeneric(c, a, false, true);
export const pexpireat = (c: KvContext, a: Uint8Array[]) => expireGeneric(c, a, false, false);

function ttlGeneric(ctx: KvContext, argv: Uint8Array[], ms: boolean) {
  const e = ctx.db.lookupRead(str(argv[1]));
  if (!e) return ctx.out.integer(-2);
  if (e.expireAt < 0) return ctx.out.integer(-1);
  const left = Math.max(0, e.expireAt - Math.floor(ctx.db.now()));
  ctx.out.integer(ms ? left : Math.floor((left + 500) / 1000));
}

export const ttl = (c: KvContext, a: Uint8Array[]) => ttlGeneric(c, a, false);
export const pttl = (c: KvContext, a: Uint8Array[]) => ttlGeneric(c, a, true);

export function persist(ctx: KvContext, argv: Uint8Array[]) {
  const key = str(argv[1]);
  const e = ctx.db.lookup(key);
  if (!e || e.expireAt < 0) return ctx.out.integer(0);
  ctx.db.setExpire(key, e, -1);
  ctx.out.integer(1);
}

export function keys(ctx: KvContext, argv: Uint8Array[]) {
  const pattern = str(argv[1]);
  const all = pattern === '*';
  const found: string[] = [];
  for (const k of [...ctx.db.keys()])
    if ((all || globMatch(pattern, k)) && ctx.db.lookup(k)) found.push(k);
  ctx.out.array(found.length);
  for (const k of found) ctx.out.bulkString(k);
}

/**
 * A cursor as Redis's strtoul reads it: optional sign, decimal digits, a negative value wrapping
 * modulo 2^64, beyond 64 bits an error. Keys live in a 32-bit table, so the low 32 bits are used.
 */
function parseCursor(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const v = BigInt(s.replace(/^\+/, ''));
  const U64 = 1n << 64n;
  if (v >= U64 || v <= -U64) return null;
  return Number(((v % U64) + U64) & 0xffff_ffffn);
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
export function scan(ctx: KvContext, argv: Uint8Array[]) {
  const cursor = parseCursor(str(argv[1]));
  if (cursor === null) return ctx.out.error('ERR invalid cursor');
  let count = 10;
  let pattern: string | null = null;
  let type: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const left = argv.length - i;
    if (is(argv[i], 'count') && left >= 2) {
      const v = llOrReply(ctx, argv[i + 1]);
      if (v === null) return;
      if (v < 1n) return ctx.out.error(ERR_SYNTAX);
      count = Number(v > 1_000_000n ? 1_000_000n : v);
    } else if (is(argv[i], 'match') && left >= 2) {
      pattern = str(argv[i + 1]);
      if (pattern === '*') pattern = null;
    } else if (is(argv[i], 'type') && left >= 2) type = str(argv[i + 1]).toLowerCase();
    else return ctx.out.error(ERR_SYNTAX);
  }
  const seen: string[] = [];
  const next = ctx.db.scan(cursor, count, (k) => seen.push(k));
  const keys = seen.filter(
    (k) =>
      (pattern === null || globMatch(pattern, k)) &&
      (type === null || type === 'string') &&
      ctx.db.lookup(k),
  );
  ctx.out.array(2);
  ctx.out.bulkString(String(next));
  ctx.out.array(keys.length);
  for (const k of keys) ctx.out.bulkString(k);
}

export function dbsize(ctx: KvContext) {
  ctx.out.integer(ctx.db.size);
}

export function flushall(ctx: KvContext, argv: Uint8Array[]) {
  if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'async') && !is(argv[1], 'sync')))
    return ctx.out.error(ERR_SYNTAX);
  ctx.db.flush();
  ctx.out.simple('OK');
}

export function select(ctx: KvContext, argv: Uint8Array[]) {
  const v = llOrReply(ctx, argv[1]);
  if (v === null) return;
  if (v !== 0n) return ctx.out.error('ERR DB index is out of range');
  ctx.out.simple('OK');
}
