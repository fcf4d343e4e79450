// The host-side QEMU options of `rk run` (qemu-options.hx): -chardev, -serial, -monitor, -nodefaults,
// -rtc, -accel, -qtest-log, -object rng-*. Libqtest and test harnesses pass these on every
// command line; the model takes the ones whose effect it has and names what it cannot do.
import { RkUsageError } from './errors';
import { type RunArgs, splitQemuOpts } from './run-args';

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

const CHARDEV_BACKENDS = ['null', 'stdio'];

/** `-chardev null|stdio,id=ID[,signal=on|off][,mux=on|off][,logfile=…]`: a backend for `-serial chardev:ID`. */
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
  for (const k of p.keys())
    if (!['backend', 'id', 'signal', 'mux', 'logappend'].includes(k))
      throw new RkUsageError(
        `rk run: -chardev ${v}: property '${k}' is not modelled (accepted: id, signal, mux)`,
      );
  out.chardev ??= {};
  if (out.chardev[id] !== undefined)
    throw new RkUsageError(`rk run: -chardev ${v}: Duplicate ID '${id}' for chardev`);
  out.chardev[id] = backend as 'null' | 'stdio';
}

/** `-serial stdio|mon:stdio|null|none|chardev:ID`: where UART0 is connected. */
export function serial(v: string, out: RunArgs): void {
  const accepted = 'stdio, mon:stdio, null, none, chardev:ID';
  if (v === 'stdio' || v === 'mon:stdio') out.serial = 'stdio';
  else if (v === 'null' || v === 'none') out.serial = 'none';
  else if (v.startsWith('chardev:') && v.length > 8) out.serial = { chardev: v.slice(8) };
  else throw bad('-serial', v, accepted);
}

/** `-monitor none|stdio|mon:stdio`: the model has no HMP; stdio's only effect is Ctrl-A on the console. */
export function monitor(v: string): void {
  if (!['none', 'stdio', 'mon:stdio'].includes(v))
    throw bad('-monitor', v, 'none, stdio (the HMP monitor is not modelled; Ctrl-A x and h are)');
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

/** `-accel qtest|tcg[,thread=…]` (also `-machine accel=`): the model is its own accelerator. */
export function accel(v: string): void {
  const p = props('-accel', v, 'accel');
  const a = p.get('accel');
  if (a !== 'qtest' && a !== 'tcg')
    throw bad(
      '-accel',
      v,
      'qtest, tcg (the model interprets the image itself; kvm/hvf/xen do not apply)',
    );
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

/** `-machine accel=…` shares -accel's check. */
export function machineAccel(v: string): void {
  for (const a of v.split(':')) accel(a);
}
