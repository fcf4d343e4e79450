// TCP segments over packet bytes (RFC 9293 §3.1 header, §3.2 options; RFC 7323 window scale and
// timestamps; RFC 2018 SACK): a zero-copy view (`TcpPacket`), a validated record (`TcpRepr`) with
// `parseTcp`/`emitTcp` exact inverses, and the pseudo-header checksum (RFC 9293 §3.1).
import { get16, get32, set16, set32 } from './bytes';
import { checksumAdd, checksumFinish, pseudoHeaderSum } from './checksum';
import { RkWireError } from './error';

/** Control bits of the TCP header (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/** Bytes of a header without options. */
export const TCP_HEADER_LEN = 20;
/** Bytes of options a header may carry (data offset is 4 bits of 32-bit words). */
export const TCP_MAX_OPTIONS_LEN = 40;
/** The IP protocol number. */
export const IP_PROTO_TCP = 6;

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WSCALE = 3;
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;

/** A SACK block: [left, right) sequence numbers (RFC 2018 §3). */
export type TcpSackBlock = readonly [left: number, right: number];

/** A validated TCP segment. `payload` is a view of the packet bytes (no copy). */
export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  /** The acknowledgment field as sent (meaningful only with TCP_ACK). */
  ack: number;
  /** TCP_* control bits. */
  flags: number;
  /** The raw 16-bit window field (unscaled). */
  window: number;
  urgent: number;
  mss: number | null;
  /** The shift count as sent (RFC 7323 §2.3: receivers clamp values above 14). */
  windowScale: number | null;
  sackPermitted: boolean;
  /** Up to 4 blocks (fewer fit with timestamps: see tcpHeaderLen). */
  sackBlocks: TcpSackBlock[];
  timestamp: { tsval: number; tsecr: number } | null;
  payload: Uint8Array;
}

/** Zero-copy accessors over one TCP header in `buf` (no validation: use `TcpPacket.checked`). */
export class TcpPacket {
  private constructor(readonly buf: Uint8Array) {}

  /** A view without any check; accessors may read past a short buffer as 0/undefined. */
  static unchecked(buf: Uint8Array): TcpPacket {
    return new TcpPacket(buf);
  }

  /** A view after checking the header fits: @returns the view or a RkWireError. */
  static checked(buf: Uint8Array): TcpPacket | RkWireError {
    if (buf.length < TCP_HEADER_LEN)
      return new RkWireError(
        'tcp',
        'header',
        `${buf.length} bytes, a header needs ${TCP_HEADER_LEN}`,
      );
    const p = new TcpPacket(buf);
    const hl = p.headerLen;
    if (hl < TCP_HEADER_LEN)
      return new RkWireError('tcp', 'data offset', `${hl >> 2} words, the minimum is 5`);
    if (hl > buf.length)
      return new RkWireError(
        'tcp',
        'data offset',
        `header of ${hl} bytes in a ${buf.length}-byte segment`,
      );
    return p;
  }

  get srcPort(): number {
    return get16(this.buf, 0);
  }
  get dstPort(): number {
    return get16(this.buf, 2);
  }
  get seq(): number {
    return get32(this.buf, 4);
  }
  get ack(): number {
    return get32(this.buf, 8);
  }
  get headerLen(): number {
    return (this.buf[12]! >> 4) * 4;
  }
  get flags(): number {
    return this.buf[13]!;
  }
  get window(): number {
    return get16(this.buf, 14);
  }
  get checksum(): number {
    return get16(this.buf, 16);
  }
  get urgent(): number {
    return get16(this.buf, 18);
  }
  /** The option bytes (a view). */
  get options(): Uint8Array {
    return this.buf.subarray(TCP_HEADER_LEN, this.headerLen);
  }
  /** The data after the header (a view). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.headerLen);
  }
  /** True when the checksum over the pseudo-header and the whole segment is right. */
  verifyChecksum(src: number, dst: number): boolean {
    return tcpChecksum(this.buf, src, dst) === 0;
  }
}

/**
 * Parses and validates one segment for `src`→`dst` (IPv4 addresses, host order). Unknown options
 * are skipped by their length; malformed ones are errors.
 * @returns the record (payload is a view of `buf`) or a RkWireError naming the field.
 */
export function parseTcp(
  buf: Uint8Array,
  src: number,
  dst: number,
  verifyChecksum = true,
): TcpRepr | RkWireError {
  const p = TcpPacket.checked(buf);
  if (p instanceof RkWireError) return p;
  if (verifyChecksum && !p.verifyChecksum(src, dst))
    return new RkWireError(
      'tcp',
      'checksum',
      `0x${p.checksum.toString(16)} does not match the segment`,
    );
  const repr: TcpRepr = {
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    seq: p.seq,
    ack: p.ack,
    flags: p.flags,
    window: p.window,
    urgent: p.urgent,
    mss: null,
    windowScale: null,
    sackPermitted: false,
    sackBlocks: [],
    timestamp: null,
    payload: p.payload,
  };
  const err = parseOptions(buf, p.headerLen, repr);
  return err ?? repr;
}

function parseOptions(b: Uint8Array, end: number, r: TcpRepr): RkWireError | null {
  let i = TCP_HEADER_LEN;
  while (i < end) {
    const kind = b[i]!;
    if (kind === TCPOPT_EOL) break;
    if (kind === TCPOPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) return new RkWireError('tcp', `option ${kind}`, 'length byte missing');
    const len = b[i + 1]!;
    if (len < 2) return new RkWireError('tcp', `option ${kind}`, `length ${len} is below 2`);
    if (i + len > end)
      return new RkWireError(
        'tcp',
        `option ${kind}`,
        `length ${len} overruns the header by ${i + len - end}`,
      );
    const bad = optionLengthError(kind, len);
    if (bad) return bad;
    if (kind === TCPOPT_MSS) r.mss = get16(b, i + 2);
    else if (kind === TCPOPT_WSCALE) r.windowScale = b[i + 2]!;
    else if (kind === TCPOPT_SACK_PERMITTED) r.sackPermitted = true;
    else if (kind === TCPOPT_TIMESTAMP)
      r.timestamp = { tsval: get32(b, i + 2), tsecr: get32(b, i + 6) };
    else if (kind === TCPOPT_SACK) {
      r.sackBlocks = [];
      for (let o = i + 2; o < i + len; o += 8) r.sackBlocks.push([get32(b, o), get32(b, o + 4)]);
    }
    i += len;
  }
  return null;
}

function optionLengthError(kind: number, len: number): RkWireError | null {
  const want =
    kind === TCPOPT_MSS
      ? 4
      : kind === TCPOPT_WSCALE
        ? 3
        : kind === TCPOPT_SACK_PERMITTED
          ? 2
          : kind === TCPOPT_TIMESTAMP
            ? 10
            : -1;
  if (want >= 0 && len !== want)
    return new RkWireError('tcp', `option ${kind}`, `length ${len}, the option is ${want} bytes`);
  if (kind === TCPOPT_SACK && (len < 10 || len > 34 || (len - 2) % 8 !== 0))
    return new RkWireError('tcp', 'option 5 (SACK)', `length ${len} is not 2 + 8n with n in 1..4`);
  return null;
}

/** Header bytes `repr` needs (options padded to 32 bits). Throws RangeError over 60 bytes. */
export function tcpHeaderLen(repr: TcpRepr): number {
  let n = 0;
  if (repr.mss !== null) n += 4;
  if (repr.windowScale !== null) n += 4;
  if (repr.sackPermitted) n += 4;
  if (repr.timestamp) n += 12;
  if (repr.sackBlocks.length > 0) n += 4 + 8 * repr.sackBlocks.length;
  if (n > TCP_MAX_OPTIONS_LEN || repr.sackBlocks.length > 4)
    throw new RangeError(`tcp: options need ${n} bytes, at most ${TCP_MAX_OPTIONS_LEN} fit`);
  return TCP_HEADER_LEN + n;
}

/**
 * Writes `repr` into `buf` (header, options, payload unless it already sits in place) and the
 * checksum for `src`→`dst`. `buf` must hold tcpHeaderLen + payload bytes (RangeError otherwise).
 * @returns the segment length.
 */
export function emitTcp(repr: TcpRepr, buf: Uint8Array, src: number, dst: number): number {
  const hl = tcpHeaderLen(repr);
  const total = hl + repr.payload.length;
  if (buf.length < total)
    throw new RangeError(`tcp: segment of ${total} bytes does not fit a ${buf.length}-byte buffer`);
  set16(buf, 0, repr.srcPort);
  set16(buf, 2, repr.dstPort);
  set32(buf, 4, repr.seq);
  set32(buf, 8, repr.ack);
  buf[12] = (hl >> 2) << 4;
  buf[13] = repr.flags & 0xff;
  set16(buf, 14, repr.window);
  set16(buf, 16, 0);
  set16(buf, 18, repr.urgent);
  emitOptions(repr, buf);
  const pl = repr.payload;
  if (!(pl.buffer === buf.buffer && pl.byteOffset === buf.byteOffset + hl)) buf.set(pl, hl);
  const seg = buf.subarray(0, total);
  set16(buf, 16, tcpChecksum(seg, src, dst));
  return total;
}

function emitOptions(r: TcpRepr, b: Uint8Array): void {
  let i = TCP_HEADER_LEN;
  if (r.mss !== null) {
    b[i] = TCPOPT_MSS;
    b[i + 1] = 4;
    set16(b, i + 2, r.mss);
    i += 4;
  }
  if (r.windowScale !== null) {
    b.set([TCPOPT_NOP, TCPOPT_WSCALE, 3, r.windowScale & 0xff], i);
    i += 4;
  }
  if (r.sackPermitted) {
    b.set([TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERMITTED, 2], i);
    i += 4;
  }
  if (r.timestamp) {
    b.set([TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, 10], i);
    set32(b, i + 4, r.timestamp.tsval);
    set32(b, i + 8, r.timestamp.tsecr);
    i += 12;
  }
  if (r.sackBlocks.length > 0) {
    b.set([TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, 2 + 8 * r.sackBlocks.length], i);
    i += 4;
    for (const [l, rt] of r.sackBlocks) {
      set32(b, i, l);
      set32(b, i + 4, rt);
      i += 8;
    }
  }
}

/**
 * The Internet checksum of `seg` with the IPv4 pseudo-header (RFC 9293 §3.1): 0 when verifying a
 * segment whose checksum field is set, the value to store when that field is 0.
 */
export function tcpChecksum(seg: Uint8Array, src: number, dst: number): number {
  return checksumFinish(checksumAdd(pseudoHeaderSum(src, dst, IP_PROTO_TCP, seg.length), seg));
}
