// `rk run` command line in QEMU's own syntax (qemu-options.hx) for the options the machine models,
// plus Runikraft's --clock and --qtest. Every bad value names the flag and the accepted forms.
import { RkUsageError } from './errors';
import {
  accel,
  chardev,
  logItems,
  machineAccel,
  monitor,
  object,
  qtestLog,
  rtc,
  serial,
} from './run-args-host';
import { nic, type PortForward, port } from './run-nic';
import { parseSmp } from './run-smp';
import { parseQemuSize } from './size';

/** A `-chardev` backend: null, stdio, or a file (`-chardev file,id=…,path=…[,append=on]`). */
export type ChardevBackend =
  | 'null'
  | 'stdio'
  | { file: string; append: boolean }
  | { pipe: string };

export type QtestChannel = { kind: 'stdio' } | { kind: 'unix'; path: string; server: boolean };

/** What the `rk run` command line says; fields are undefined when the flag was not given. */
export interface RunArgs {
  /** Positional argument or `-kernel`: an image.mjs or an app directory. */
  image?: string;
  /** `-m`, in bytes. */
  memory?: number;
  smp?: number;
  append?: string;
  bios?: 'default' | 'none';
  initrd?: string;
  aclint?: boolean;
  /** `-machine virt,dumpdtb=FILE`: write the device tree and exit. */
  dumpdtb?: string;
  clock?: 'host' | 'virtual';
  /** `-global virtio-mmio.force-legacy=...` (QEMU's default is true: legacy virtio-mmio). */
  virtioMmioForceLegacy?: boolean;
  qtest?: QtestChannel;
  /** `-device` arguments in command-line order (virtio-net/blk/rng-device). */
  device?: string[];
  /** `-netdev` arguments (user, socket, stream, dgram, tap, hubport); `-nic` adds here too. */
  netdev?: string[];
  /** `-p`/`--port` rules, published through `-netdev user` hostfwd (kraft's -p). */
  ports?: PortForward[];
  /** `-drive` arguments (file=...,if=none,format=raw,id=...). */
  drive?: string[];
  /** `-fsdev local,id=…,path=…,security_model=…[,readonly=on]` arguments (9P shares). */
  fsdev?: string[];
  /** `-virtfs local,path=…,mount_tag=…,security_model=…` arguments (an fsdev and its virtio-9p device). */
  virtfs?: string[];
  /** `-fw_cfg [name=]opt/NAME,file=PATH|string=TEXT` arguments, in command-line order. */
  fwCfg?: string[];
  /** `-S`: hold the hart (with --qtest: no guest code runs). */
  hold?: boolean;
  /** `-serial`: UART0's backend ('none' also after `-nodefaults` without `-serial`). */
  serial?:
    | 'stdio'
    | 'mon:stdio'
    | 'none'
    | { chardev: string }
    | { file: string }
    | { pipe: string };
  /** `-chardev` backends by id. */
  chardev?: Record<string, ChardevBackend>;
  /** `-monitor none|stdio`. */
  monitor?: 'none' | 'stdio';
  /** `-no-shutdown`: a guest reset under -no-reboot stops the guest; the process (and monitor) stay until quit. */
  noShutdown?: boolean;
  /** `-d ITEM[,ITEM]`: what to log (guest_errors, unimp); `-d help` sets logHelp. */
  log?: ('guest_errors' | 'unimp')[];
  logHelp?: boolean;
  /** `-D FILE`: the log goes there instead of stderr. */
  logfile?: string;
  /** `-nodefaults`: no default serial port (UART0 then has no backend unless -serial names one). */
  nodefaults?: boolean;
  /** `-no-reboot`: a guest reset exits (status 0) instead of restarting the image. */
  noReboot?: boolean;
  /** `-name NAME[,process=P]`: the guest's name (QEMU's window title and process name). */
  name?: string;
  /** `-rtc`: base (utc, localtime or ns since the epoch) and the clock the RTC follows. */
  rtc?: { base?: 'utc' | 'localtime' | bigint; clock?: 'host' | 'rt' | 'vm' };
  /** `-object rng-random|rng-builtin,...` arguments (entropy sources for `-device virtio-rng-device,rng=`). */
  object?: string[];
  /** `--inspect[=[host:]port]` / `--inspect-brk[=…]`: the V8 inspector for the guest's TypeScript. */
  inspect?: { host: string; port: number; brk: boolean };
  /** Warnings QEMU prints and goes on (deprecated spellings). */
  warnings?: string[];
  help?: boolean;
}

export const SUPPORTED = [
  '-machine/-M',
  '-m',
  '-smp',
  '-append',
  '-bios',
  '-kernel',
  '-initrd',
  '-nographic',
  '-display',
  '-serial',
  '-chardev',
  '-monitor',
  '-nodefaults',
  '-no-reboot',
  '-no-shutdown',
  '-cpu rv64',
  '-name',
  '-rtc',
  '-d',
  '-D',
  '-accel',
  '-qtest-log',
  '-object',
  '-nic',
  '-global',
  '-device',
  '-netdev',
  '-drive',
  '-fsdev',
  '-virtfs',
  '-fw_cfg',
  '-p/--port',
  '-S',
  '--clock',
  '--qtest',
  '--inspect[=PORT]',
  '--inspect-brk[=PORT]',
  '--help',
];
const supported = `(supported: ${SUPPORTED.join(', ')})`;

const bad = (flag: string, got: string, accepted: string) =>
  new RkUsageError(`rk run: ${flag}: bad value '${got}' (accepted: ${accepted})`);

/** QEMU's boolean property values (qapi/qobject-input-visitor: on/off, yes/no, true/false). */
export function parseQemuBool(v: string): boolean | undefined {
  if (['on', 'yes', 'true', 'y'].includes(v)) return true;
  if (['off', 'no', 'false', 'n'].includes(v)) return false;
  return undefined;
}

/** Splits a QEMU option string on commas; `,,` is a literal comma (QemuOpts). */
export function splitQemuOpts(s: string): string[] {
  const out: string[] = [''];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ',' && s[i + 1] === ',')
      [out[out.length - 1], i] = [`${out[out.length - 1]},`, i + 1];
    else if (s[i] === ',') out.push('');
    else out[out.length - 1] += s[i];
  }
  return out;
}

function machine(v: string, out: RunArgs): void {
  const accepted = 'virt[,aclint=on|off][,accel=qtest|tcg][,dumpdtb=FILE]';
  splitQemuOpts(v).forEach((item, i) => {
    const eq = item.indexOf('=');
    const [key, val] =
      eq < 0 ? (i === 0 ? ['type', item] : [item, '']) : [item.slice(0, eq), item.slice(eq + 1)];
    if (key === 'type') {
      if (val !== 'virt')
        throw new RkUsageError(
          `rk run: -machine: unsupported machine type '${val}' (supported: virt; accepted: ${accepted})`,
        );
    } else if (key === 'aclint') {
      const b = parseQemuBool(val || 'on');
      if (b === undefined) throw bad('-machine aclint', val, 'on, off');
      out.aclint = b;
    } else if (key === 'accel') {
      machineAccel(val, out);
    } else if (key === 'dumpdtb') {
      if (!val) throw bad('-machine dumpdtb', val, 'dumpdtb=FILE');
      out.dumpdtb = val;
    } else
      throw new RkUsageError(
        `rk run: -machine: unsupported property '${key}' (supported: type, aclint, accel, dumpdtb; accepted: ${accepted})`,
      );
  });
}

function memory(v: string): number {
  const accepted =
    'a number of MiB (512) or a size with suffix K, M, G (128M, 1G, 1.5G); optionally size=...';
  const items = splitQemuOpts(v);
  if (items.length > 1)
    throw new RkUsageError(
      `rk run: -m: unsupported property '${items[1].split('=')[0]}' (accepted: ${accepted})`,
    );
  const text = items[0].startsWith('size=') ? items[0].slice(5) : items[0];
  const bytes = parseQemuSize(text, 'm');
  if (bytes === undefined || bytes === 0) throw bad('-m', v, accepted);
  return Math.ceil(bytes / 8192) * 8192; // QEMU aligns RAM size up to 8 KiB (vl.c set_memory_options)
}

function qtest(v: string): QtestChannel {
  const accepted =
    'stdio, unix:PATH (connect, as QEMU does), unix:PATH,server=on[,wait=off] (listen)';
  if (v === 'stdio') return { kind: 'stdio' };
  if (!v.startsWith('unix:') || v.length === 5) throw bad('--qtest', v, accepted);
  const [path, ...props] = splitQemuOpts(v.slice(5));
  let server = false;
  for (const p of props) {
    const [k, val = 'on'] = p.split('=');
    const b = parseQemuBool(val);
    if (k === 'server' && b !== undefined) server = b;
    else if (k !== 'wait' || b === undefined) throw bad('--qtest', v, accepted);
  }
  return { kind: 'unix', path, server };
}

/** Node's own syntax: `inspect[-brk][=[host:]port]`, default 127.0.0.1:9229 (port 0 picks one). */
function inspect(body: string): NonNullable<RunArgs['inspect']> {
  const brk = body.startsWith('inspect-brk');
  const flag = brk ? '--inspect-brk' : '--inspect';
  const eq = body.indexOf('=');
  const v = eq < 0 ? '' : body.slice(eq + 1);
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(v);
  if (v !== '' && !m)
    throw bad(flag, v, `${flag}=PORT or ${flag}=HOST:PORT (default 127.0.0.1:9229)`);
  const port = m ? Number(m[2]) : 9229;
  if (port > 65535) throw bad(flag, v, 'a port 0..65535 (0 picks a free one)');
  return { host: m?.[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1', port, brk };
}

type Handler = (v: string, out: RunArgs) => void;
const WITH_VALUE: Record<string, Handler> = {
  machine,
  M: machine,
  m: (v, o) => void (o.memory = memory(v)),
  smp: (v, o) => void (o.smp = parseSmp(v, (w) => (o.warnings ??= []).push(`-smp ${v}: ${w}`))),
  append: (v, o) => void (o.append = v),
  bios: (v, o) => {
    if (v !== 'none' && v !== 'default')
      throw bad(
        '-bios',
        v,
        'none (kernel in M-mode), default (built-in SBI firmware); firmware files are not supported',
      );
    o.bios = v;
  },
  kernel: (v, o) => void (o.image = v),
  initrd: (v, o) => void (o.initrd = v),
  display: (v) => {
    if (v !== 'none')
      throw bad('-display', v, 'none (the console is always the serial port on stdio)');
  },
  serial,
  chardev,
  monitor,
  d: logItems,
  D: (v, o) => {
    if (v === '') throw bad('-D', v, 'a log file path');
    o.logfile = v;
  },
  rtc,
  accel,
  'qtest-log': qtestLog,
  object,
  nic,
  global: (v, o) => {
    const m = /^virtio-mmio\.force-legacy=(.*)$/.exec(v);
    const b = m ? parseQemuBool(m[1]) : undefined;
    if (!m)
      throw new RkUsageError(
        `rk run: -global: unsupported property '${v.split('=')[0]}' (supported: virtio-mmio.force-legacy=on|off)`,
      );
    if (b === undefined)
      throw bad('-global virtio-mmio.force-legacy', m[1], 'on, off, true, false');
    o.virtioMmioForceLegacy = b;
  },
  clock: (v, o) => {
    if (v !== 'host' && v !== 'virtual')
      throw bad('--clock', v, 'host (follows the host monotonic clock), virtual (deterministic)');
    o.clock = v;
  },
  qtest: (v, o) => void (o.qtest = qtest(v)),
  device: (v, o) => void (o.device ??= []).push(v),
  netdev: (v, o) => void (o.netdev ??= []).push(v),
  drive: (v, o) => void (o.drive ??= []).push(v),
  fsdev: (v, o) => void (o.fsdev ??= []).push(v),
  virtfs: (v, o) => void (o.virtfs ??= []).push(v),
  fw_cfg: (v, o) => void (o.fwCfg ??= []).push(v),
  p: port,
  port,
  cpu: (v) => {
    // QEMU's generic 64-bit model (also the virt default); properties would change the ISA the
    // model does not have, so only the bare name and `max`'s alias `rv64` are accepted.
    const [model, ...props] = splitQemuOpts(v);
    if (model !== 'rv64')
      throw bad('-cpu', model, "rv64 (the hart model implements one CPU: QEMU's generic rv64)");
    if (props.length > 0)
      throw new RkUsageError(
        `rk run: -cpu rv64: CPU properties are not modelled ('${props.join(',')}'); give -cpu rv64 alone`,
      );
  },
  name: (v, o) => {
    const [first, ...rest] = splitQemuOpts(v);
    let name = first.startsWith('guest=') ? first.slice(6) : first;
    for (const p of rest) {
      const [k, val = ''] = p.split('=', 2);
      if (k === 'guest') name = val;
      else if (k !== 'process' && k !== 'debug-threads')
        throw bad('-name', v, 'NAME[,process=NAME][,debug-threads=on|off]');
    }
    if (name === '') throw bad('-name', v, 'a non-empty NAME');
    o.name = name;
  },
};
const FLAGS: Record<string, (o: RunArgs) => void> = {
  nographic: () => {},
  nodefaults: (o) => void (o.nodefaults = true),
  'no-reboot': (o) => void (o.noReboot = true),
  'no-shutdown': (o) => void (o.noShutdown = true),
  S: (o) => void (o.hold = true),
  h: (o) => void (o.help = true),
  help: (o) => void (o.help = true),
};

/**
 * Parses `rk run`'s arguments (QEMU syntax: `-opt value`; `--opt value` and `--opt=value` too).
 * @throws RkUsageError naming the option and the accepted forms.
 */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const out: RunArgs = {};
  let positional: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (positional !== undefined)
        throw new RkUsageError(
          `rk run: unexpected argument '${arg}': give one image or app directory (already have '${positional}')`,
        );
      positional = arg;
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 && arg.startsWith('--') ? body.slice(0, eq) : body;
    if (/^inspect(-brk)?(=|$)/.test(body)) {
      out.inspect = inspect(body);
      continue;
    }
    if (name === 's' || name === 'gdb')
      throw new RkUsageError(
        `rk run: ${arg}: there is no GDB stub: the guest is JavaScript in a V8 realm, not RISC-V machine code; debug it at the TypeScript level with --inspect[=[host:]port] (or --inspect-brk to stop before the image's entry) and attach Chrome DevTools (chrome://inspect) or VS Code`,
      );
    if (name in FLAGS) {
      FLAGS[name](out);
      continue;
    }
    const handler = WITH_VALUE[name];
    if (!handler) {
      throw new RkUsageError(`rk run: unsupported option '${arg}' ${supported}`);
    }
    let value: string;
    if (eq >= 0 && arg.startsWith('--')) value = body.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new RkUsageError(`rk run: option '${arg}' needs a value (see rk run --help)`);
    handler(value, out);
  }
  if (positional !== undefined) {
    if (out.image !== undefined && out.image !== positional)
      throw new RkUsageError(
        `rk run: both -kernel '${out.image}' and '${positional}' given: give the image once`,
      );
    out.image = positional;
  }
  return out;
}
