// DNS messages (RFC 1035 §4): header, questions and resource records. Names are read through
// compression pointers (each must land before the previous jump, so no loop; RFC 1035 §4.1.4) and
// written without compression, so parse(emit(x)) = x. Record data is kept raw (a view).
import { get16, get32, set16, set32 } from './bytes';
import { RkWireError } from './error';

export const DNS_PORT = 53;
export const DNS_TYPE_A = 1;
export const DNS_TYPE_CNAME = 5;
export const DNS_CLASS_IN = 1;
export const DNS_RCODE_NXDOMAIN = 3;
const HEADER_LEN = 12;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsRecord extends DnsQuestion {
  ttl: number;
  /** The record data as received (a view; names inside are not decompressed). */
  data: Uint8Array;
}

export interface DnsRepr {
  id: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

const err = (field: string, reason: string) => new RkWireError('dns', field, reason);

/** Reads the name at `o`. @returns [name, offset after it in the original place] or an error. */
function readName(b: Uint8Array, o: number): [string, number] | RkWireError {
  const labels: string[] = [];
  let end = -1;
  let pos = o;
  let total = 0;
  let limit = o;
  for (;;) {
    if (pos >= b.length) return err('name', `runs past the message at ${pos}`);
    const len = b[pos];
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= b.length) return err('name', 'truncated compression pointer');
      const target = ((len & 0x3f) << 8) | b[pos + 1];
      // Each jump must land before the previous one did: the walk cannot loop.
      if (target >= limit)
        return err('name', `compression pointer ${target} does not point before ${limit}`);
      if (end < 0) end = pos + 2;
      pos = target;
      limit = target;
      continue;
    }
    if (len & 0xc0)
      return err('name', `label type 0x${(len & 0xc0).toString(16)} is not supported`);
    if (pos + 1 + len > b.length) return err('name', `label of ${len} bytes runs past the message`);
    total += len + 1;
    if (total > 255) return err('name', 'longer than 255 bytes');
    labels.push(String.fromCharCode(...b.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
  return [labels.join('.'), end];
}

function readRecords(
  b: Uint8Array,
  o: number,
  n: number,
  out: DnsRecord[],
  what: string,
): number | RkWireError {
  for (let i = 0; i < n; i++) {
    const r = readName(b, o);
    if (r instanceof RkWireError) return r;
    o = r[1];
    if (o + 10 > b.length) return err(what, `record ${i} header runs past the message`);
    const len = get16(b, o + 8);
    if (o + 10 + len > b.length)
      return err(what, `record ${i} data of ${len} bytes runs past the message`);
    out.push({
      name: r[0],
      type: get16(b, o),
      class: get16(b, o + 2),
      ttl: get32(b, o + 4),
      data: b.subarray(o + 10, o + 10 + len),
    });
    o += 10 + len;
  }
  return o;
}

/** Parses a message. @returns the record or an RkWireError naming the part at fault. */
export function parseDns(b: Uint8Array): DnsRepr | RkWireError {
  if (b.length < HEADER_LEN) return err('header', `${b.length} bytes, need ${HEADER_LEN}`);
  const f = get16(b, 2);
  const m: DnsRepr = {
    id: get16(b, 0),
    response: (f & 0x8000) !== 0,
    opcode: (f >> 11) & 0xf,
    authoritative: (f & 0x400) !== 0,
    truncated: (f & 0x200) !== 0,
    recursionDesired: (f & 0x100) !== 0,
    recursionAvailable: (f & 0x80) !== 0,
    rcode: f & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (f & 0x70) return err('flags', 'the Z bits are set');
  let o = HEADER_LEN;
  for (let i = 0, n = get16(b, 4); i < n; i++) {
    const r = readName(b, o);
    if (r instanceof RkWireError) return r;
    o = r[1];
    if (o + 4 > b.length) return err('question', `question ${i} runs past the message`);
    m.questions.push({ name: r[0], type: get16(b, o), class: get16(b, o + 2) });
    o += 4;
  }
  for (const [n, list, what] of [
    [get16(b, 6), m.answers, 'answer'],
    [get16(b, 8), m.authorities, 'authority'],
    [get16(b, 10), m.additionals, 'additional'],
  ] as const) {
    const r = readRecords(b, o, n, list, what);
    if (r instanceof RkWireError) return r;
    o = r;
  }
  return m;
}

/** Checks a name for emitting. @returns a reason, or null when it is fine. */
export function dnsNameProblem(name: string): string | null {
  if (name === '') return null;
  const labels = name.split('.');
  if (name.length + 2 > 255) return 'longer than 255 bytes';
  for (const l of labels) {
    if (l.length === 0) return 'an empty label';
    if (l.length > 63) return `label '${l.slice(0, 10)}…' is longer than 63 bytes`;
    if (/[^\x21-\x7e]/.test(l)) return `label '${l}' has a character outside printable ASCII`;
  }
  return null;
}

function nameLen(name: string): number {
  return name === '' ? 1 : name.length + 2;
}

/** Bytes `emitDns` writes for `m`. */
export function dnsLen(m: DnsRepr): number {
  let n = HEADER_LEN;
  for (const q of m.questions) n += nameLen(q.name) + 4;
  for (const r of [...m.answers, ...m.authorities, ...m.additionals])
    n += nameLen(r.name) + 10 + r.data.length;
  return n;
}

function writeName(b: Uint8Array, o: number, name: string): number {
  if (name !== '')
    for (const l of name.split('.')) {
      b[o++] = l.length;
      for (let i = 0; i < l.length; i++) b[o++] = l.charCodeAt(i);
    }
  b[o++] = 0;
  return o;
}

/** Writes `m` (names must pass {@link dnsNameProblem}). @returns the length. */
export function emitDns(m: DnsRepr, b: Uint8Array): number {
  set16(b, 0, m.id);
  set16(
    b,
    2,
    (m.response ? 0x8000 : 0) |
      ((m.opcode & 0xf) << 11) |
      (m.authoritative ? 0x400 : 0) |
      (m.truncated ? 0x200 : 0) |
      (m.recursionDesired ? 0x100 : 0) |
      (m.recursionAvailable ? 0x80 : 0) |
      (m.rcode & 0xf),
  );
  set16(b, 4, m.questions.length);
  set16(b, 6, m.answers.length);
  set16(b, 8, m.authorities.length);
  set16(b, 10, m.additionals.length);
  let o = HEADER_LEN;
  for (const q of m.questions) {
    o = writeName(b, o, q.name);
    set16(b, o, q.type);
    set16(b, o + 2, q.class);
    o += 4;
  }
  for (const r of [...m.answers, ...m.authorities, ...m.additionals]) {
    o = writeName(b, o, r.name);
    set16(b, o, r.type);
    set16(b, o + 2, r.class);
    set32(b, o + 4, r.ttl);
    set16(b, o + 8, r.data.length);
    b.set(r.data, o + 10);
    o += 10 + r.data.length;
  }
  return o;
}
