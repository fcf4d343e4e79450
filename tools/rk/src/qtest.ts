// QEMU's qtest protocol (softmmu/qtest.c, docs/devel/qtest.rst): line commands that read and write
// the physical bus and step the virtual clock, so QEMU device-test scripts drive our machine.
// Replies match QEMU 7.2's byte for byte (checked against qemu-system-riscv64 -qtest stdio).

/**
 * What the protocol needs from the machine: QEMU's debug access path (address_space_read/write:
 * holes read 0 and ignore writes, MMIO is split as QEMU's flatview does) and the virtual clock.
 */
export interface QtestTarget {
  read(addr: bigint, len: number): Uint8Array;
  write(addr: bigint, data: Uint8Array): void;
  /** The virtual clock in ns. */
  clockNs(): bigint;
  /** Advances the virtual clock by `ns`, or to the next timer deadline when undefined. */
  clockStep(ns?: bigint): void;
  /** Sets the virtual clock to `ns` (never backwards). */
  clockSet(ns: bigint): void;
}

const WIDTH: Record<string, 1 | 2 | 4 | 8> = { b: 1, w: 2, l: 4, q: 8 };
const MASK64 = (1n << 64n) - 1n;
const MAX_BULK = 1 << 24; // bounded so a script cannot make the host allocate without limit

/** QEMU's qemu_strtou64(…, 0): decimal, 0x-hex or 0-octal, wrapping negative numbers. */
export function parseQtestNumber(s: string | undefined): bigint | undefined {
  if (s === undefined) return undefined;
  const m = /^(-)?(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.exec(s);
  if (!m) return undefined;
  const digits = m[2];
  const v = /^0x/i.test(digits)
    ? BigInt(digits)
    : digits.length > 1 && digits[0] === '0'
      ? BigInt(`0o${digits.slice(1)}`)
      : BigInt(digits);
  if (v > MASK64) return undefined;
  return m[1] ? -v & MASK64 : v;
}

const hex16 = (v: bigint) => `0x${v.toString(16).padStart(16, '0')}`;

/**
 * One qtest session: feed it lines, get reply lines (without the newline).
 * Malformed arguments, on which QEMU aborts, get `ERR <reason>` instead.
 */
export function createQtestSession(t: QtestTarget): (line: string) => string {
  return (line: string): string => {
    const words = line.trim().split(/\s+/);
    const cmd = words[0];
    if (cmd === '') return "FAIL Unknown command ''";
    const arg = (i: number, what: string) => {
      const v = parseQtestNumber(words[i]);
      if (v === undefined)
        throw new Error(`ERR ${cmd}: ${what} '${words[i] ?? ''}' is not a number`);
      return v;
    };
    try {
      const rw = /^(read|write)([bwlq])$/.exec(cmd);
      if (rw) {
        const a = arg(1, 'address');
        const width = WIDTH[rw[2]];
        if (rw[1] === 'read') {
          const b = t.read(a, width);
          let v = 0n;
          for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
          return `OK ${hex16(v)}`;
        }
        const value = arg(2, 'value');
        const b = new Uint8Array(width);
        for (let i = 0; i < width; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
        t.write(a, b);
        return 'OK';
      }
      switch (cmd) {
        case 'read':
        case 'b64read': {
          const len = bulkLen(arg(2, 'size'), cmd);
          const bytes = t.read(arg(1, 'address'), len);
          if (cmd === 'b64read') return `OK ${btoa(String.fromCharCode(...bytes))}`;
          return `OK 0x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
        }
        case 'write': {
          const len = bulkLen(arg(2, 'size'), cmd);
          const data = words[3] ?? '';
          if (data.length < 3 || !data.startsWith('0x')) return 'ERR invalid argument size';
          const bytes = new Uint8Array(len);
          for (let i = 0; i < len; i++) {
            const pair = data.slice(2 + 2 * i, 4 + 2 * i);
            bytes[i] = pair.length === 2 ? Number.parseInt(pair, 16) || 0 : 0; // QEMU: missing digits are 0
          }
          t.write(arg(1, 'address'), bytes);
          return 'OK';
        }
        case 'b64write': {
          const len = bulkLen(arg(2, 'size'), cmd);
          let raw: string;
          try {
            raw = atob(words[3] ?? '');
          } catch {
            return 'ERR invalid base64 data';
          }
          const bytes = new Uint8Array(len);
          for (let i = 0; i < Math.min(len, raw.length); i++) bytes[i] = raw.charCodeAt(i);
          t.write(arg(1, 'address'), bytes);
          return 'OK';
        }
        case 'memset': {
          const len = bulkLen(arg(2, 'size'), cmd);
          t.write(arg(1, 'address'), new Uint8Array(len).fill(Number(arg(3, 'value') & 0xffn)));
          return 'OK';
        }
        case 'clock_step':
          t.clockStep(words[1] === undefined ? undefined : arg(1, 'ns'));
          return `OK ${t.clockNs()}`;
        case 'clock_set':
          t.clockSet(arg(1, 'ns'));
          return `OK ${t.clockNs()}`;
        case 'endianness':
          return 'OK little';
        default:
          return `FAIL Unknown command '${cmd}'`;
      }
    } catch (e) {
      const msg = (e as Error).message;
      return msg.startsWith('ERR ') ? msg : `ERR ${cmd}: ${msg}`;
    }
  };
}

function bulkLen(v: bigint, cmd: string): number {
  if (v === 0n) throw new Error(`ERR ${cmd}: size must be at least 1`);
  if (v > BigInt(MAX_BULK)) throw new Error(`ERR ${cmd}: size ${v} exceeds ${MAX_BULK} bytes`);
  return Number(v);
}
