// QEMU's qtest line protocol (softmmu/qtest.c, 7.2) against this machine: readb/w/l/q, writeb/w/l/q,
// read/write (hex), b64read/b64write, memset, endianness, clock_step/clock_set, in*/out*, irq_intercept_*,
// set_irq_in (qtest-irq.ts). Replies match
// QEMU's bytes; where QEMU aborts on a malformed argument (g_assert) the model answers `ERR <reason>`.
import type { Readable, Writable } from 'node:stream';
import type { Machine } from './machine';
import { QtestIrqAbort } from './qtest-irq';
import type { QtestPort } from './qtest-port';

const U64 = (1n << 64n) - 1n;
/** Largest bulk transfer a script may ask for (QEMU mallocs it; the model refuses instead). */
const MAX_BULK = 1 << 26;

class QtestArgError extends Error {}

/** qemu_strtou64(…, base 0): whole string, optional sign (negative wraps), 0x hex, 0 octal, decimal. */
export function parseQtestU64(s: string | undefined): bigint {
  const m = s === undefined ? null : /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) throw new QtestArgError(`'${s ?? ''}' is not a number`);
  const d = m[2];
  const v = /^0[xX]/.test(d)
    ? BigInt(d)
    : d.length > 1 && d[0] === '0'
      ? BigInt(`0o${d.slice(1)}`)
      : BigInt(d);
  if (v > U64) throw new QtestArgError(`'${s}' is out of range`);
  return m[1] === '-' ? -v & U64 : v;
}

/** qemu_strtoi (base 0): a whole signed number within int32 (a sign does not wrap here). */
function parseQtestInt(s: string): number {
  const neg = /^\s*-/.test(s);
  const mag = parseQtestU64(s.replace(/^(\s*)-/, '$1'));
  const v = neg ? -mag : mag;
  if (v < -(2n ** 31n) || v >= 2n ** 31n) throw new QtestArgError(`'${s}' is out of range`);
  return Number(v);
}

function parseI64(s: string | undefined): bigint {
  const v = parseQtestU64(s);
  return v >= 1n << 63n ? v - (1n << 64n) : v;
}

const hex2nib = (c: string): number => {
  const x = Number.parseInt(c, 16);
  return Number.isNaN(x) ? -1 : x;
};

const bulk = (n: bigint): number => {
  if (n > BigInt(MAX_BULK)) throw new QtestArgError(`size ${n} exceeds ${MAX_BULK}`);
  return Number(n);
};

/** GLib's base64 rank: A-Z a-z 0-9 + / are 0..63, '=' counts as 0, anything else is skipped. */
function base64Rank(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c === 0x2b) return 62;
  if (c === 0x2f) return 63;
  return c === 0x3d ? 0 : -1;
}

/**
 * g_base64_decode_step over buf[0, n) writing into buf itself (g_base64_decode_inplace): each group
 * of four ranked characters gives one byte, plus one per trailing non-'=' character; an incomplete
 * last group gives nothing. @returns the decoded length (buf past it keeps the text).
 */
export function glibBase64DecodeInPlace(buf: Uint8Array, n: number): number {
  let out = 0;
  let v = 0;
  let i = 0;
  let last0 = 0;
  let last1 = 0;
  for (let p = 0; p < n; p++) {
    const c = buf[p];
    const rank = base64Rank(c);
    if (rank < 0) continue;
    last1 = last0;
    last0 = c;
    v = ((v << 6) | rank) & 0xffffff;
    if (++i < 4) continue;
    buf[out++] = v >>> 16;
    if (last1 !== 0x3d) buf[out++] = (v >>> 8) & 0xff;
    if (last0 !== 0x3d) buf[out++] = v & 0xff;
    i = 0;
  }
  return out;
}

/** One qtest session: each call processes one line (without its newline) and returns the reply lines. */
export function createQtestSession(port: QtestPort): (line: string) => string {
  return (line: string): string => {
    const words = line.replace(/\r$/, '').split(' ');
    const cmd = words[0];
    let reply: string;
    try {
      reply = command(port, cmd, words);
    } catch (e) {
      if (!(e instanceof QtestArgError || e instanceof QtestIrqAbort)) throw e;
      reply = `ERR ${cmd}: ${e.message}`;
    }
    // IRQ lines the command caused come first, as QEMU sends them while it runs the command.
    return [...port.irq.drain(), reply].join('\n');
  };
}

function command(port: QtestPort, cmd: string, w: string[]): string {
  const rw = /^(read|write)([bwlq])$/.exec(cmd);
  if (rw) {
    const width = ({ b: 1, w: 2, l: 4, q: 8 } as const)[rw[2] as 'b' | 'w' | 'l' | 'q'];
    const addr = parseQtestU64(w[1]);
    if (rw[1] === 'read') return `OK 0x${port.read(addr, width).toString(16).padStart(16, '0')}`;
    const value = parseQtestU64(w[2]) & ((1n << BigInt(8 * width)) - 1n);
    port.write(addr, width, value);
    return 'OK';
  }
  switch (cmd) {
    case 'read': {
      const addr = parseQtestU64(w[1]);
      const len = bulk(parseQtestU64(w[2]));
      if (len === 0) throw new QtestArgError('length 0');
      const b = port.readBytes(addr, len);
      return `OK 0x${Buffer.from(b).toString('hex')}`;
    }
    case 'b64read': {
      const addr = parseQtestU64(w[1]);
      const len = bulk(parseQtestU64(w[2]));
      return `OK ${Buffer.from(port.readBytes(addr, len)).toString('base64')}`;
    }
    case 'write': {
      const addr = parseQtestU64(w[1]);
      const len = bulk(parseQtestU64(w[2]));
      if (w[3] === undefined) throw new QtestArgError('missing data');
      const data = w[3];
      if (data.length < 3) return 'ERR invalid argument size';
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++)
        if (i * 2 + 4 <= data.length)
          bytes[i] = ((hex2nib(data[i * 2 + 2]) << 4) | hex2nib(data[i * 2 + 3])) & 0xff;
      port.writeBytes(addr, bytes);
      return 'OK';
    }
    case 'b64write': {
      const addr = parseQtestU64(w[1]);
      const len = bulk(parseQtestU64(w[2]));
      if (w[3] === undefined) throw new QtestArgError('missing data');
      if (w[3].length < 3) return 'ERR invalid argument size';
      // QEMU writes `len` bytes of the buffer g_base64_decode_inplace left: the decoded bytes, then
      // the rest of the text itself, its NUL and (the model's reading of heap bytes) zeros (measured).
      const text = w[3];
      const buf = new Uint8Array(Math.max(len, text.length + 1));
      for (let i = 0; i < text.length; i++) buf[i] = text.charCodeAt(i) & 0xff;
      glibBase64DecodeInPlace(buf, text.length);
      port.writeBytes(addr, buf.subarray(0, len));
      return 'OK';
    }
    case 'memset': {
      const addr = parseQtestU64(w[1]);
      const len = bulk(parseQtestU64(w[2]));
      const pattern = Number(parseQtestU64(w[3]) & 0xffn);
      if (len) port.writeBytes(addr, new Uint8Array(len).fill(pattern));
      return 'OK';
    }
    case 'endianness':
      return 'OK little';
    case 'clock_step':
      port.clockStep(w[1] === undefined ? undefined : parseI64(w[1]));
      return `OK ${port.clockNs()}`;
    case 'clock_set':
      port.clockSet(parseI64(w[1]));
      return `OK ${port.clockNs()}`;
    case 'inb':
    case 'inw':
    case 'inl': {
      // RISC-V has no port I/O: QEMU's empty "io" space reads all-ones.
      const addr = parseQtestU64(w[1]);
      if (addr > 0xffffn) throw new QtestArgError('port above 0xffff');
      const v = cmd === 'inb' ? 0xff : cmd === 'inw' ? 0xffff : 0xffffffff;
      return `OK 0x${v.toString(16).padStart(4, '0')}`;
    }
    case 'outb':
    case 'outw':
    case 'outl':
      if (parseQtestU64(w[1]) > 0xffffn) throw new QtestArgError('port above 0xffff');
      parseQtestU64(w[2]);
      return 'OK';
    case 'irq_intercept_in':
    case 'irq_intercept_out':
      if (w[1] === undefined) throw new QtestArgError('missing QOM path');
      return port.irq.intercept(w[1], cmd === 'irq_intercept_in' ? 'in' : 'out');
    case 'set_irq_in':
      if (w[1] === undefined || w[2] === undefined || w[3] === undefined || w[4] === undefined)
        throw new QtestArgError('usage: set_irq_in PATH NAME N LEVEL');
      return port.irq.setIrqIn(w[1], w[2], parseQtestInt(w[3]), parseQtestInt(w[4]));
    case 'module_load':
      if (w[1] === undefined || w[2] === undefined) throw new QtestArgError('missing module');
      return 'FAIL';
    default:
      return `FAIL Unknown command '${cmd}'`;
  }
}

/**
 * Serves qtest on a byte stream pair (stdio, a UNIX socket) for `machine`, which is held as with `-S`
 * (no image runs; the clock moves only with clock_step/clock_set). Resolves at the end of input, or
 * without answering the line whose finisher write powered the machine off (see `machine.exit`).
 */
export async function serveQtest(
  machine: Machine,
  input: Readable,
  output: Writable,
): Promise<void> {
  const session = createQtestSession(machine.qtest);
  let buf = '';
  for await (const chunk of input) {
    buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('latin1');
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const reply = session(line);
      // A finisher PASS/FAIL write stops QEMU before it answers: no reply, no further lines.
      if (machine.exit) return;
      output.write(`${reply}\n`);
    }
  }
}
