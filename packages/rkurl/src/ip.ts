// IPv4 and IPv6 address parsing and serialisation for URL hosts (WHATWG URL §3.5, §3.6): the IPv4
// parser takes 1-4 parts in decimal, octal (leading 0) or hex (0x); IPv6 takes "::" compression and
// a trailing dotted IPv4.

/** An IPv4 number or null when the part is not a number (empty, or digits outside its radix). */
function ipv4Number(part: string): number | null {
  if (part === '') return null;
  let radix = 10;
  let s = part;
  if (s.length >= 2 && (s.startsWith('0x') || s.startsWith('0X'))) {
    radix = 16;
    s = s.slice(2);
  } else if (s.length >= 2 && s[0] === '0') {
    radix = 8;
    s = s.slice(1);
  }
  if (s === '') return 0;
  const digits = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(s)) return null;
  // Large values lose precision as doubles, but every check below is a threshold of 2^32 or less.
  return parseInt(s, radix);
}

/** True when the host's last label is a number (then the host must parse as IPv4). */
export function endsInANumber(host: string): boolean {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '') {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1];
  if (last !== '' && /^[0-9]+$/.test(last)) return true;
  return ipv4Number(last) !== null;
}

/** Parses an IPv4 host. @returns the 32-bit address, or null (failure). */
export function parseIpv4(host: string): number | null {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) return null;
  const numbers: number[] = [];
  for (const p of parts) {
    const n = ipv4Number(p);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255)) return null;
  if (last >= 256 ** (4 - numbers.length)) return null;
  let addr = last;
  numbers.forEach((n, i) => {
    addr += n * 256 ** (3 - i);
  });
  return addr;
}

/** Dotted-decimal form of a 32-bit address. */
export function serializeIpv4(addr: number): string {
  return [addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255].join('.');
}

const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Parses the text between `[` and `]`. @returns eight 16-bit pieces, or null (failure). */
export function parseIpv6(input: string): number[] | null {
  const address = [0, 0, 0, 0, 0, 0, 0, 0];
  const c = Array.from(input);
  let piece = 0;
  let compress: number | null = null;
  let p = 0;
  if (c[p] === ':') {
    if (c[p + 1] !== ':') return null;
    p += 2;
    compress = ++piece;
  }
  while (p < c.length) {
    if (piece === 8) return null;
    if (c[p] === ':') {
      if (compress !== null) return null;
      p++;
      compress = ++piece;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && isHex(c[p])) {
      value = value * 16 + parseInt(c[p], 16);
      p++;
      length++;
    }
    if (c[p] === '.') {
      if (length === 0) return null;
      p -= length;
      if (piece > 6) return null;
      const v4 = ipv6Tail(c, p);
      if (v4 === null) return null;
      address[piece] = v4[0];
      address[piece + 1] = v4[1];
      piece += 2;
      p = c.length;
      break;
    }
    if (c[p] === ':') {
      p++;
      if (p >= c.length) return null;
    } else if (p < c.length) return null;
    address[piece++] = value;
  }
  if (compress !== null) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const from = compress + swaps - 1;
      [address[piece], address[from]] = [address[from], address[piece]];
      piece--;
      swaps--;
    }
  } else if (piece !== 8) return null;
  return address;
}

/** The dotted IPv4 tail of an IPv6 address from `p` to the end: two pieces, or null. */
function ipv6Tail(c: string[], p: number): [number, number] | null {
  let seen = 0;
  const bytes: number[] = [];
  while (p < c.length) {
    if (seen > 0) {
      if (c[p] === '.' && seen < 4) p++;
      else return null;
    }
    if (!isDigit(c[p])) return null;
    let v: number | null = null;
    while (isDigit(c[p])) {
      const d = Number(c[p]);
      if (v === null) v = d;
      else if (v === 0) return null;
      else v = v * 10 + d;
      if (v > 255) return null;
      p++;
    }
    bytes.push(v!);
    seen++;
  }
  if (seen !== 4) return null;
  return [bytes[0] * 256 + bytes[1], bytes[2] * 256 + bytes[3]];
}

/** RFC 5952 text of eight pieces: lower-case hex, the first longest run of 2+ zero pieces as "::". */
export function serializeIpv6(a: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (a[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && a[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    out += a[i].toString(16);
    if (i < 7) out += ':';
  }
  return out;
}
