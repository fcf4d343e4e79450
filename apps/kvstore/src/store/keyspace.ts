// The keyspace: string keys to string values, each entry one block of guest memory from rkalloc
// holding the key's bytes then the value's, so `-m` bounds keys and values alike and a failed
// allocation is Redis's OOM error, never a crash. Expiry is in milliseconds of guest time: lazy on
// access plus an active sampling pass, as Redis's expire.c.
import type { RkAlloc } from '@runikraft/rkalloc';
import { hashKey, type ScanLink, ScanTable } from './scan-table';

/** One key's record; the bytes live in guest RAM at [ptr, ptr + klen + vlen). */
export interface KvEntry extends ScanLink {
  ptr: number;
  readonly klen: number;
  vlen: number;
  /** Absolute expiry in guest milliseconds, or -1. */
  expireAt: number;
}

/** Counters INFO reports. */
export interface KvStats {
  expiredKeys: number;
  hits: number;
  misses: number;
}

/** A database of string keys in guest memory. */
export class KvKeyspace {
  private readonly map = new Map<string, KvEntry>();
  private readonly volatile = new Set<string>();
  private readonly table = new ScanTable<KvEntry>();
  private sweep: Iterator<string> | null = null;
  readonly stats: KvStats = { expiredKeys: 0, hits: 0, misses: 0 };

  constructor(
    readonly alloc: RkAlloc,
    /** Guest time in milliseconds. */
    readonly now: () => number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get expires(): number {
    return this.volatile.size;
  }

  /** The live entry for `key` (an expired one is deleted first), or undefined. */
  lookup(key: string): KvEntry | undefined {
    const e = this.map.get(key);
    if (e === undefined || e.expireAt < 0 || e.expireAt > this.now()) return e;
    this.remove(key, e);
    this.stats.expiredKeys++;
    return undefined;
  }

  /** lookup() that counts keyspace hits and misses (read commands). */
  lookupRead(key: string): KvEntry | undefined {
    const e = this.lookup(key);
    if (e === undefined) this.stats.misses++;
    else this.stats.hits++;
    return e;
  }

  /** A view of the entry's value in guest RAM, valid until the next write to the keyspace. */
  value(e: KvEntry): Uint8Array {
    const off = e.ptr - this.alloc.phys.base + e.klen;
    return this.alloc.phys.u8.subarray(off, off + e.vlen);
  }

  /**
   * Stores `value` (the concatenation of `parts`) under `key`, replacing any value. `expireAt` -1
   * clears the TTL; 'keep' keeps the old one. @returns false when guest memory ran out (nothing changed).
   */
  set(key: string, parts: readonly Uint8Array[], expireAt: number | 'keep'): boolean {
    const old = this.map.get(key);
    let vlen = 0;
    for (const p of parts) vlen += p.length;
    const klen = key.length;
    const ptr = this.alloc.malloc(klen + vlen);
    if (ptr === 0) return false;
    const u8 = this.alloc.phys.u8;
    let off = ptr - this.alloc.phys.base;
    for (let i = 0; i < klen; i++) u8[off + i] = key.charCodeAt(i);
    off += klen;
    for (const p of parts) {
      u8.set(p, off);
      off += p.length;
    }
    const keepAt = old !== undefined && expireAt === 'keep' ? old.expireAt : -1;
    const at = expireAt === 'keep' ? keepAt : expireAt;
    if (old) {
      // the record stays (it is chained in the SCAN table); only its block changes
      this.alloc.free(old.ptr);
      old.ptr = ptr;
      old.vlen = vlen;
      old.expireAt = at;
    } else {
      const e: KvEntry = { key, hash: hashKey(key), next: null, ptr, klen, vlen, expireAt: at };
      this.map.set(key, e);
      this.table.add(e);
    }
    if (at >= 0) this.volatile.add(key);
    else this.volatile.delete(key);
    return true;
  }

  /** Deletes `key` if it is live. @returns whether it was. */
  delete(key: string): boolean {
    const e = this.lookup(key);
    if (e === undefined) return false;
    this.remove(key, e);
    return true;
  }

  /** Sets or clears (-1) the expiry of a live entry. */
  setExpire(key: string, e: KvEntry, at: number): void {
    e.expireAt = at;
    if (at >= 0) this.volatile.add(key);
    else this.volatile.delete(key);
  }

  /** Removes every key and returns their memory. */
  flush(): void {
    for (const e of this.map.values()) this.alloc.free(e.ptr);
    this.map.clear();
    this.volatile.clear();
    this.table.clear();
    this.sweep = null;
  }

  /** Every key, live or not yet reaped (callers check liveness through lookup). */
  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  /** One SCAN step from `cursor`. @returns the next cursor. */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    return this.table.scan(cursor, count, visit);
  }

  /**
   * Active expiry: examines up to `budget` keys with a TTL, continuing where the last call stopped,
   * and deletes the expired ones. @returns how many it deleted.
   */
  activeExpire(budget = 20): number {
    let removed = 0;
    const now = this.now();
    for (let i = 0; i < budget && this.volatile.size > 0; i++) {
      this.sweep ??= this.volatile.values();
      const n = this.sweep.next();
      if (n.done) {
        this.sweep = null;
        continue;
      }
      const e = this.map.get(n.value);
      if (e !== undefined && e.expireAt >= 0 && e.expireAt <= now) {
        this.remove(n.value, e);
        this.stats.expiredKeys++;
        removed++;
      }
    }
    return removed;
  }

  private remove(key: string, e: KvEntry): void {
    this.alloc.free(e.ptr);
    this.map.delete(key);
    this.volatile.delete(key);
    this.table.delete(e);
  }
}
