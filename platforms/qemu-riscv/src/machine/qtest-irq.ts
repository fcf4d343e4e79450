// qtest's GPIO commands (softmmu/qtest.c 7.2: irq_intercept_in/out, set_irq_in) over the part of the
// QOM tree of `virt` that owns unnamed GPIOs: the ACLINT SWI/MTIMER outputs, the PLIC's outputs
// (S contexts of harts 0..n-1, then M contexts) and inputs (sources), and the harts' interrupt inputs.
// Other devices resolve but have only named (sysbus) GPIOs: interception reports nothing, as on QEMU.
import { IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER } from '../isa/csr';
import { PLIC_NUM_SOURCES } from './devices/plic';

/** What the path names: a device kind (with its hart for CPUs), or an object that is not a device. */
type QomKind = 'mswi' | 'mtimer' | 'sswi' | 'plic' | 'cpu' | 'other' | 'not-a-device';
interface QomObject {
  readonly path: string;
  readonly kind: QomKind;
  readonly hart?: number;
}

/** The mip causes a hart's GPIO inputs take (target/riscv/cpu.c riscv_cpu_set_irq, without H lines). */
const CPU_IN = [IRQ_S_SOFT, IRQ_M_SOFT, IRQ_S_TIMER, IRQ_M_TIMER, IRQ_S_EXT, IRQ_M_EXT];

/** Thrown where QEMU aborts (a non-device path, an input that does not exist, bad numbers). */
export class QtestIrqAbort extends Error {}

/** The objects of QEMU 7.2's `virt` QOM tree (one socket), in creation order, measured with qom-list. */
export function virtQomTree(harts: number, aclint: boolean): QomObject[] {
  const u = '/machine/unattached';
  const devs: QomKind[] = ['mswi', 'mtimer', ...(aclint ? (['sswi'] as const) : []), 'plic'];
  const others = 1 + 8 + 4; // sifive.test, 8 virtio-mmio, gpex, platform bus, serial, goldfish_rtc
  const out: QomObject[] = devs.map((kind, i) => ({ path: `${u}/device[${i}]`, kind }));
  for (let i = 0; i < others - 1; i++)
    out.push({ path: `${u}/device[${devs.length + i}]`, kind: 'other' });
  for (let h = 0; h < harts; h++)
    out.push({ path: `/machine/soc0/harts[${h}]`, kind: 'cpu', hart: h });
  for (const p of [
    '/machine/soc0',
    '/machine/fw_cfg',
    '/machine/virt.flash0',
    '/machine/virt.flash1',
  ])
    out.push({ path: p, kind: 'other' });
  for (const p of ['', '/machine', u, '/machine/peripheral', '/machine/peripheral-anon'])
    out.push({ path: p, kind: 'not-a-device' });
  for (const p of ['sysbus', 'system[0]', 'io[0]', 'riscv_virt_board.mrom[0]'])
    out.push({ path: `${u}/${p}`, kind: 'not-a-device' });
  return out;
}

/**
 * The qtest IRQ state of one session: which device is intercepted and the last level reported per
 * line number (QEMU's irq_levels[], shared by in and out). Lines come in through `hartLine` (every
 * device → hart interrupt line) and `plicInput` (every device → PLIC source line).
 */
export class QtestIrq {
  private dev: QomObject | null = null;
  private dir: 'in' | 'out' = 'out';
  private readonly levels = new Map<number, number>();
  private readonly pending: string[] = [];

  constructor(
    private readonly tree: readonly QomObject[],
    private readonly harts: number,
    private readonly drive: {
      hart(hart: number, cause: number, level: boolean): void;
      plic(source: number, level: boolean): void;
    },
  ) {}

  /** object_resolve_path: absolute (empty components skipped) or a unique partial path. */
  private resolve(path: string): QomObject | undefined {
    const parts = path.split('/').filter((p) => p !== '');
    const norm = parts.join('/');
    if (path.startsWith('/')) return this.tree.find((o) => o.path.slice(1) === norm);
    const hits = this.tree.filter((o) => o.path === `/${norm}` || o.path.endsWith(`/${norm}`));
    return hits.length === 1 ? hits[0] : undefined;
  }

  private device(path: string): QomObject | undefined {
    const o = this.resolve(path);
    if (o?.kind === 'not-a-device') throw new QtestIrqAbort(`'${path}' is not a device`);
    return o;
  }

  /** irq_intercept_in/out. @returns the reply line. */
  intercept(path: string, dir: 'in' | 'out'): string {
    const dev = this.device(path);
    if (!dev) return 'FAIL Unknown device';
    if (this.dev) return this.dev === dev ? 'OK' : 'FAIL IRQ intercept already enabled';
    this.dev = dev;
    this.dir = dir;
    return 'OK';
  }

  /** set_irq_in PATH NAME N LEVEL. @returns the reply line. */
  setIrqIn(path: string, name: string, n: number, level: number): string {
    const dev = this.device(path);
    if (!dev) return 'FAIL Unknown device';
    if (name !== 'unnamed-gpio-in') throw new QtestIrqAbort(`no GPIO input named '${name}'`);
    if (dev.kind === 'plic' && n >= 0 && n < PLIC_NUM_SOURCES) this.drive.plic(n, level !== 0);
    else if (dev.kind === 'cpu' && CPU_IN.includes(n))
      this.drive.hart(dev.hart as number, n, level !== 0);
    else throw new QtestIrqAbort(`${dev.path} has no unnamed GPIO input ${n}`);
    return 'OK';
  }

  /** A device drove a hart's interrupt line (`cause` = mip bit). */
  hartLine(hart: number, cause: number, level: boolean): void {
    const d = this.dev;
    if (!d) return;
    if (this.dir === 'in') {
      if (d.kind === 'cpu' && d.hart === hart) this.report(cause, level);
      return;
    }
    const n =
      d.kind === 'mswi' && cause === IRQ_M_SOFT
        ? hart
        : d.kind === 'sswi' && cause === IRQ_S_SOFT
          ? hart
          : d.kind === 'mtimer' && cause === IRQ_M_TIMER
            ? hart
            : d.kind === 'plic' && cause === IRQ_S_EXT
              ? hart
              : d.kind === 'plic' && cause === IRQ_M_EXT
                ? this.harts + hart
                : -1;
    if (n >= 0) this.report(n, level);
  }

  /** A device drove PLIC source `source`. */
  plicInput(source: number, level: boolean): void {
    if (this.dev?.kind === 'plic' && this.dir === 'in') this.report(source, level);
  }

  /** qtest_irq_handler: one line per change of the level last seen on line n. */
  private report(n: number, level: boolean): void {
    const v = level ? 1 : 0;
    if ((this.levels.get(n) ?? 0) === v) return;
    this.levels.set(n, v);
    this.pending.push(`IRQ ${level ? 'raise' : 'lower'} ${n}`);
  }

  /** The IRQ lines reported since the last call (they precede the reply of the command that caused them). */
  drain(): string[] {
    return this.pending.splice(0);
  }
}
