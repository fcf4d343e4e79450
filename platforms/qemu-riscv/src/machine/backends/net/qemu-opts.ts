// QEMU's option-string syntax (util/qemu-option.c): `type,key=value,key=value`, a doubled comma is a
// literal comma. Shared by -netdev, -drive and -device parsing; errors name the option and the key.

export interface QemuOpts {
  /** The leading bare word (`socket` in `socket,id=n0`), if any. */
  readonly head: string | null;
  readonly values: Map<string, string>;
  /** Keys that may repeat (QEMU's `hostfwd=` of `-netdev user`), in command-line order. */
  readonly lists: Map<string, string[]>;
}

/**
 * Splits an option string. Throws `Error("<what>: ...")` on an empty key or a repeated key other
 * than one of `repeatable`.
 */
export function splitOpts(
  what: string,
  text: string,
  repeatable: readonly string[] = [],
): QemuOpts {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ',') {
      if (text[i + 1] === ',') {
        cur += ',';
        i++;
        continue;
      }
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  let head: string | null = null;
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (i === 0 && p !== '') head = p;
      else throw new Error(`${what}: '${p}' is not key=value`);
      return;
    }
    const k = p.slice(0, eq);
    if (k === '') throw new Error(`${what}: empty key in '${p}'`);
    if (repeatable.includes(k)) {
      lists.set(k, [...(lists.get(k) ?? []), p.slice(eq + 1)]);
      return;
    }
    if (values.has(k)) throw new Error(`${what}: '${k}' given twice`);
    values.set(k, p.slice(eq + 1));
  });
  return { head, values, lists };
}

/** Reads keys off a QemuOpts, failing on unknown leftovers so typos never pass silently. */
export class OptReader {
  private readonly used = new Set<string>();
  constructor(
    private readonly what: string,
    private readonly opts: QemuOpts,
  ) {}

  str(key: string): string | undefined {
    this.used.add(key);
    return this.opts.values.get(key);
  }

  /** Every value of a repeatable key (see `splitOpts`), in order. */
  all(key: string): string[] {
    this.used.add(key);
    return this.opts.lists.get(key) ?? [];
  }

  need(key: string): string {
    const v = this.str(key);
    if (v === undefined || v === '') throw new Error(`${this.what}: '${key}=' is required`);
    return v;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.str(key);
    if (v === undefined) return dflt;
    if (['on', 'yes', 'true', 'y'].includes(v)) return true;
    if (['off', 'no', 'false', 'n'].includes(v)) return false;
    throw new Error(`${this.what}: '${key}=${v}' is not on/off`);
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new Error(`${this.what}: '${key}=${v}' is not an integer in ${min}..${max}`);
    return n;
  }

  /** Throws naming every key that no reader asked for. */
  done(): void {
    const extra = [...this.opts.values.keys(), ...this.opts.lists.keys()].filter(
      (k) => !this.used.has(k),
    );
    if (extra.length)
      throw new Error(
        `${this.what}: unknown parameter${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}`,
      );
  }
}

/** Parses `host:port` (host may be empty = all interfaces, or `[v6]`). */
export function hostPort(
  what: string,
  s: string,
  emptyHost = '0.0.0.0',
): { host: string; port: number } {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(s);
  if (!m) throw new Error(`${what}: '${s}' is not host:port`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`${what}: port ${port} is out of range`);
  const host = m[1].replace(/^\[|\]$/g, '') || emptyHost;
  return { host, port };
}
