// The host-side QEMU options of `rk run` (qemu-options.hx): -chardev, -serial, -monitor, -nodefaults,
// -d/-D, -rtc, -accel, -qtest-log, -object rng-*. Libqtest and test harnesses pass these on every
// command line; the model takes the ones whose effect it has and names what it cannot do.
import { RkUsageError } from './errors';
import { type ChardevBackend, parseQemuBool, type RunArgs, splitQemuOpts } from './run-args';

const bad = (flag: string, got: string, accepted: string) =>
  new RkUsageError(`rk run: ${flag}: bad value '${got}' (accepted: ${accepted})`);

/** A QEMU option string as its implied first value and key=value properties. */
function props(flag: string, v: string, implied: string): Map<string, string> {
  const out = new Map<string, string>();
  splitQemuOpts(v).forEach((item, i) => {
    const eq = item.indexOf('=');
    if (eq < 0 && i === 0) out.set(implied, item);
    else if (eq < 0) throw new RkUsageError(`rk run: ${flag} ${v}: invalid parameter '${item}'`);
    else out.set(item.slice(0, eq), item.slice(eq + 1));
  });
  return out;
}

const CHARDEV_BACKENDS = ['null', 'stdio', 'file', 'pipe'];

/**
 * `-chardev null|stdio|file|pipe,id=ID[,path=PATH][,append=on|off][,signal=on|off][,mux=on|off]`: a
 * backend for `-serial chardev:ID`.
 */
export function chardev(v: string, out: RunArgs): void {
  const p = props('-chardev', v, 'backend');
  const backend = p.get('backend');
  const id = p.get('id');
  if (!backend) throw new RkUsageError(`rk run: -chardev ${v}: missing the backend type`);
  if (!id) throw new RkUsageError(`rk run: -chardev ${v}: chardev: no id specified`);
  if (!CHARDEV_BACKENDS.includes(backend))
    throw new RkUsageError(
      `rk run: -chardev ${backend}: backend '${backend}' is not modelled (modelled: ${CHARDEV_BACKENDS.join(', ')})`,
    );
  const allowed = ['backend', 'id', 'signal', 'mux', 'logappend'];
  if (backend === 'file') allowed.push('path', 'append');
  if (backend === 'pipe') allowed.push('path');
  for (const k of p.keys())
    if (!allowed.includes(k))
      throw new RkUsageError(
        `rk run: -chardev ${v}: property '${k}' is not modelled (accepted: ${allowed.slice(1).join(', ')})`,
      );
  let b: ChardevBackend = backend as 'null' | 'stdio';
  if (backend === 'file') {
    const path = p.get('path');
    if (!path) throw new RkUsageError(`rk run: -chardev ${v}: chardev: file: no filename given`);
    const append = parseQemuBool(p.get('append') ?? 'off');
    if (append === undefined) throw bad(`-chardev ${v}: append`, p.get('append') ?? '', 'on, off');
    b = { file: path, append };
  } else if (backend === 'pipe') {
    const path = p.get('path');
    if (!path) throw new RkUsageError(`rk run: -chardev ${v}: chardev: pipe: no device path given`);
    b = { pipe: path };
  }
  out.chardev ??= {};
  if (out.chardev[id] !== undefined)
    throw new RkUsageError(`rk run: -chardev ${v}: Duplicate ID '${id}' for chardev`);
  out.chardev[id] = b;
}

/** `-serial stdio|mon:stdio|null|none|file:PATH|pipe:PATH|chardev:ID`: where UART0 is connected. */
export function serial(v: string, out: RunArgs): void {
  const accepted = 'stdio, mon:stdio, null, none, file:PATH, pipe:PATH, chardev:ID';
  if (v === 'stdio' || v === 'mon:stdio') out.serial = v;
  else if (v === 'null' || v === 'none') out.serial = 'none';
  else if (v.startsWith('chardev:') && v.length > 8) out.serial = { chardev: v.slice(8) };
  else if (v.startsWith('file:') && v.length > 5) out.serial = { file: v.slice(5) };
  else if (v.startsWith('pipe:') && v.length > 5) out.serial = { pipe: v.slice(5) };
  else if (/^(pty|vc|tcp|udp|telnet|unix|websocket|msmouse|braille|tty|parport|chardev):?/.test(v))
    throw new RkUsageError(
      `rk run: -serial ${v}: the '${v.split(':')[0]}' backend is not modelled (accepted: ${accepted})`,
    );
  else throw bad('-serial', v, accepted);
}

/** `-monitor none|stdio`: the HMP monitor on stdio (the serial port must then be elsewhere). */
export function monitor(v: string, out: RunArgs): void {
  if (v === 'none' || v === 'stdio') out.monitor = v;
  else if (v === 'mon:stdio') out.monitor = 'stdio';
  else
    throw bad(
      '-monitor',
      v,
      'none, stdio (a monitor on stdio; to share stdio with the serial port use -serial mon:stdio)',
    );
}

/** `-d` items the machine logs, with QEMU's descriptions (`-d help`). */
export const LOG_ITEMS = {
  unimp: 'log unimplemented functionality',
  guest_errors:
    'log when the guest OS does something invalid (eg accessing a\nnon-existent register)',
} as const;

/** `-d ITEM[,ITEM]...` or `-d help`. */
export function logItems(v: string, out: RunArgs): void {
  const items = v.split(',');
  if (items.includes('help')) {
    out.logHelp = true;
    return;
  }
  for (const item of items) {
    if (!(item in LOG_ITEMS))
      throw new RkUsageError(
        `rk run: -d ${v}: unknown log item '${item}' (the model logs: ${Object.keys(LOG_ITEMS).join(', ')}; -d help lists them)`,
      );
    const log = (out.log ??= []);
    if (!log.includes(item as keyof typeof LOG_ITEMS)) log.push(item as keyof typeof LOG_ITEMS);
  }
}

/** `-rtc [base=utc|localtime|DATE][,clock=host|rt|vm][,driftfix=none|slew]`: the goldfish RTC. */
export function rtc(v: string, out: RunArgs): void {
  const p = props('-rtc', v, 'base');
  const r: NonNullable<RunArgs['rtc']> = {};
  for (const [k, val] of p) {
    if (k === 'base') {
      if (val === 'utc') r.base = 'utc';
      else if (val === 'localtime') r.base = 'localtime';
      else {
        // QEMU's configure_rtc_base_datetime: YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD, read as UTC.
        const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/.exec(val);
        const ms = m
          ? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))
          : NaN;
        if (!m || Number.isNaN(ms))
          throw bad('-rtc base', val, 'utc, localtime, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS');
        r.base = BigInt(ms) * 1_000_000n;
      }
    } else if (k === 'clock') {
      if (val !== 'host' && val !== 'rt' && val !== 'vm')
        throw bad('-rtc clock', val, 'host, rt, vm');
      r.clock = val;
    } else if (k === 'driftfix') {
      if (val !== 'none' && val !== 'slew') throw bad('-rtc driftfix', val, 'none, slew');
    } else
      throw new RkUsageError(
        `rk run: -rtc: unsupported property '${k}' (accepted: base, clock, driftfix)`,
      );
  }
  out.rtc = { ...out.rtc, ...r };
}

const ACCELS = 'qtest, tcg (the model interprets the image itself; kvm/hvf/xen do not apply)';

/**
 * `-accel qtest|tcg[,thread=single|multi][,tb-size=N][,split-wx=on|off]` (QEMU 7.2's tcg-accel
 * properties, checked with its messages): the model is its own accelerator, so the values change
 * nothing here.
 */
export function accel(v: string): void {
  const p = props('-accel', v, 'accel');
  const a = p.get('accel');
  if (a !== 'qtest' && a !== 'tcg') throw bad('-accel', v, ACCELS);
  const err = (msg: string) => new RkUsageError(`rk run: -accel ${v}: ${msg}`);
  for (const [key, val] of p) {
    if (key === 'accel') continue;
    if (a === 'tcg' && key === 'thread') {
      if (val !== 'single' && val !== 'multi') throw err(`Invalid 'thread' setting ${val}`);
    } else if (a === 'tcg' && key === 'tb-size') {
      if (!/^(?:\d+|0x[\da-f]+)$/i.test(val)) throw err("Parameter 'tb-size' expects uint64");
    } else if (a === 'tcg' && key === 'split-wx') {
      if (parseQemuBool(val) === undefined) throw err("Parameter 'split-wx' expects 'on' or 'off'");
    } else throw err(`Property '${a}-accel.${key}' not found`);
  }
}

/** `-qtest-log none|/dev/null`: the model keeps no qtest log. */
export function qtestLog(v: string): void {
  if (v !== 'none' && v !== '/dev/null')
    throw bad('-qtest-log', v, 'none, /dev/null (the model keeps no qtest log)');
}

/** `-object rng-random,id=ID[,filename=F]` or `rng-builtin,id=ID`: an entropy source for virtio-rng. */
export function object(v: string, out: RunArgs): void {
  const p = props('-object', v, 'qom-type');
  const type = p.get('qom-type');
  if (type !== 'rng-random' && type !== 'rng-builtin')
    throw new RkUsageError(
      `rk run: -object ${type ?? v}: object type not modelled (modelled: rng-random, rng-builtin)`,
    );
  if (!p.get('id')) throw new RkUsageError(`rk run: -object ${v}: Parameter 'id' is missing`);
  (out.object ??= []).push(v);
}

/**
 * `-machine accel=A[:B…]`: QEMU tries each in turn, warning about the ones it cannot use, and fails
 * only when none is left (`accel=kvm:tcg` falls back to tcg).
 */
export function machineAccel(v: string, out: RunArgs): void {
  const list = v.split(':');
  const ok = list.findIndex((a) => a === 'tcg' || a === 'qtest');
  const invalid = (ok < 0 ? list : list.slice(0, ok)).map((a) => `invalid accelerator ${a}`);
  if (ok < 0) throw bad('-machine accel', v, `${ACCELS}; ${invalid.join(', ')}`);
  if (invalid.length > 0)
    (out.warnings ??= []).push(
      ...invalid.map((w) => `-machine accel=${v}: ${w}`),
      `falling back to ${list[ok]}`,
    );
}
