// The socket kit's subject and helpers: a fresh stack under test with a scheduler its blocking calls
// park on, results that must be values or exact errnos (failures name the call and the errno), and
// a wrapper that runs each check in a thread and checks that resources came back afterwards.
import { errnoName } from '@runikraft/errno';
import type { RkSched } from '@runikraft/rksched';
import type { Ipv4Addr } from '../ip';
import type { RkSockAddrIn, RkSocket } from '../socket/api';
import { AF_INET } from '../socket/consts';

/**
 * A socket stack to check: rknet's, or a third party's behind the `RkSocket` contract (an lwIP
 * compiled to wasm with a thin adapter). Fresh for every check.
 */
export interface RkSocketKitSubject {
  /** socket(2): AF_INET with SOCK_STREAM / SOCK_DGRAM, optionally | SOCK_NONBLOCK. */
  socket(domain: number, type: number, protocol?: number): RkSocket | number;
  /** An address of the stack that its own sockets reach (127.0.0.1 or its interface address). */
  readonly addr: Ipv4Addr;
  /** The scheduler blocking calls park on: the kit spawns peers, joins them, sleeps and reads its clock. */
  readonly sched: Pick<RkSched, 'spawn' | 'join' | 'sleep' | 'now'>;
  /** Runs `body` in a thread of that scheduler (blocking calls need one); rejects with its error. */
  run(body: () => Promise<void>): Promise<void>;
  /**
   * Counters that must be back at their start values once every socket of a check is closed and
   * its connections are gone (socket buffers, netbufs, connections): leaks fail the check.
   */
  resources?(): Record<string, number>;
  close?(): void | Promise<void>;
}

export type RkSocketKitFactory = () => RkSocketKitSubject | Promise<RkSocketKitSubject>;

/** What the subject supports; the kit skips checks for what is declared absent. */
export interface RkSocketKitCaps {
  /** UDP sockets (default true). */
  readonly udp?: boolean;
  /** ICMP port unreachable turned into ECONNREFUSED on connected UDP sockets (default true). */
  readonly udpRefused?: boolean;
  /** Milliseconds to wait after closing for connections to finish before counting resources (default 2000). */
  readonly settleMs?: number;
}

/** One named check; `run` throws RkSocketKitFailure when the stack breaks the contract. */
export interface RkSocketCheck {
  readonly name: string;
  run(): Promise<void>;
}

export class RkSocketKitFailure extends Error {
  override name = 'RkSocketKitFailure';
}

export function fail(message: string): never {
  throw new RkSocketKitFailure(message);
}

export function expectThat(cond: boolean, message: string): void {
  if (!cond) fail(message);
}

const show = (v: unknown) =>
  typeof v === 'number' ? (v < 0 ? `-${errnoName(v)}` : String(v)) : 'a socket';

/** Awaits a call that must succeed (>= 0 or a socket). @returns its value. */
export async function ok<T>(what: string, r: T | Promise<T>): Promise<Exclude<T, number> | number> {
  const v = await r;
  if (typeof v === 'number' && v < 0) fail(`${what} failed with -${errnoName(v)}`);
  return v as never;
}

/** Awaits a call that must return exactly -`errno`. */
export async function refuses(what: string, r: unknown, errno: number): Promise<void> {
  const v = await r;
  if (v !== -errno) fail(`${what}: expected -${errnoName(errno)}, got ${show(v)}`);
}

/** Awaits a call that must return exactly `want`. */
export async function gives(what: string, r: unknown, want: number): Promise<void> {
  const v = await r;
  if (v !== want) fail(`${what}: expected ${show(want)}, got ${show(v)}`);
}

/** A socket, or a failure naming the errno socket() returned. */
export function sock(s: RkSocket | number, what = 'socket()'): RkSocket {
  if (typeof s === 'number') fail(`${what} failed with -${errnoName(s)}`);
  return s;
}

export const inet = (addr: Ipv4Addr, port: number): RkSockAddrIn => ({
  family: AF_INET,
  addr,
  port,
});

/** `n` bytes of a recognisable pattern (a shifted or lost byte shows). */
export function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed * 17 + (i >> 8)) & 0xff;
  return b;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Runs `body` on a fresh subject in one of its threads; afterwards waits `settleMs` and fails if a
 * resource counter is not back at its start value. The subject is disposed of whatever happens.
 */
export async function withStack(
  make: RkSocketKitFactory,
  caps: RkSocketKitCaps,
  body: (s: RkSocketKitSubject) => Promise<void>,
): Promise<void> {
  const s = await make();
  try {
    const before = s.resources?.();
    await s.run(async () => {
      await body(s);
      await s.sched.sleep((caps.settleMs ?? 2000) * 1e6);
    });
    const after = s.resources?.();
    if (before && after)
      for (const [k, v] of Object.entries(before))
        expectThat(
          after[k] === v,
          `resource '${k}' is ${after[k]} after the check, ${v} before (leak)`,
        );
  } finally {
    await s.close?.();
  }
}
