// Enumeration of one host bridge (Linux pci_scan_child_bus + pci_assign_unassigned_resources, for a
// machine where no firmware assigned anything): depth-first scan numbering bridges' buses, BAR
// sizing, bottom-up layout behind bridges, placement in the host bridge's windows, INTx routing.
import type { RkPciConfigAccess, RkPciEnumStats, RkPciHostBridge, RkPciSpace } from './api';
import { type BarProbe, sizeBars, writeBar } from './bars';
import { PciFunction } from './device';
import { byAlignDesc, layoutChildren, type PciResource, WindowAllocator } from './layout';
import * as R from './regs';

type Route = (dev: number, fn: number, pin: number) => number;
interface BusResources {
  io: PciResource[];
  mem: PciResource[];
}
interface Ctx {
  readonly hb: RkPciHostBridge;
  readonly cfg: RkPciConfigAccess;
  readonly functions: PciFunction[];
  readonly bridges: PciFunction[];
  nextBus: number;
}

/** Config access that counts what enumeration costs. */
function counting(cfg: RkPciConfigAccess) {
  const c = { reads: 0, writes: 0 };
  const access: RkPciConfigAccess = {
    read(b, d, f, o, w) {
      c.reads++;
      return cfg.read(b, d, f, o, w);
    },
    write(b, d, f, o, w, v) {
      c.writes++;
      cfg.write(b, d, f, o, w, v);
    },
  };
  return { c, access };
}

function barResource(fn: PciFunction, cfg: RkPciConfigAccess, p: BarProbe): PciResource {
  const base = { index: p.index, space: p.space, prefetchable: p.prefetchable, size: p.size };
  fn.bars[p.index] = { ...base, pciAddr: -1, cpuAddr: -1 };
  return {
    kind: p.space === 'io' ? 'io' : 'mem',
    size: p.size,
    align: p.size,
    above4g: p.space === 'mem64',
    place(pciAddr, cpuOffset) {
      writeBar(cfg, fn.bus, fn.dev, fn.fn, p, pciAddr);
      fn.bars[p.index] = { ...base, pciAddr, cpuAddr: pciAddr + cpuOffset };
    },
    fail(reason) {
      fn.error ??= `BAR ${p.index} (${p.size} bytes, ${p.space}): ${reason}`;
    },
  };
}

/** A bridge window holding `children`; programs the bridge's base/limit when placed. */
function windowResource(
  br: PciFunction,
  cfg: RkPciConfigAccess,
  kind: 'io' | 'mem',
  children: PciResource[],
): PciResource | null {
  const granule = kind === 'io' ? R.PCI_BRIDGE_IO_ALIGN : R.PCI_BRIDGE_MEM_ALIGN;
  const { offsets, size, align } = layoutChildren(children, granule);
  const w = (off: number, width: 1 | 2 | 4, v: number) =>
    cfg.write(br.bus, br.dev, br.fn, off, width, v);
  const program = (base: number, limit: number) => {
    if (kind === 'io') {
      w(R.PCI_IO_BASE, 1, (base >>> 8) & 0xf0);
      w(R.PCI_IO_LIMIT, 1, (limit >>> 8) & 0xf0);
      w(R.PCI_IO_BASE_UPPER16, 2, base >>> 16);
      w(R.PCI_IO_LIMIT_UPPER16, 2, limit >>> 16);
    } else {
      w(R.PCI_MEMORY_BASE, 2, (base >>> 16) & 0xfff0);
      w(R.PCI_MEMORY_LIMIT, 2, (limit >>> 16) & 0xfff0);
    }
  };
  program(0xfffff000, 0); // closed (base > limit) until placed
  if (size === 0) return null;
  return {
    kind,
    size,
    align,
    above4g: false, // a bridge's non-prefetchable window is 32-bit
    place(pciAddr, cpuOffset) {
      for (const [c, off] of offsets) c.place(pciAddr + off, cpuOffset);
      program(pciAddr, pciAddr + size - 1);
    },
    fail(reason) {
      br.error ??= `${kind} window of ${size} bytes: ${reason}`;
      for (const c of children) c.fail(`behind bridge ${br.name}: ${reason}`);
    },
  };
}

function scanBridge(ctx: Ctx, br: PciFunction, route: Route, out: BusResources): void {
  const { cfg, hb } = ctx;
  const w = (off: number, v: number) => cfg.write(br.bus, br.dev, br.fn, off, 1, v);
  if (ctx.nextBus > hb.busEnd) {
    br.error = `no bus number left in ${hb.busStart}..${hb.busEnd} for its secondary bus`;
    return;
  }
  const secondary = ctx.nextBus++;
  w(R.PCI_PRIMARY_BUS, br.bus);
  w(R.PCI_SECONDARY_BUS, secondary);
  w(R.PCI_SUBORDINATE_BUS, hb.busEnd); // lets config cycles for buses below through while scanning
  // the bridge swizzle (PCI-to-PCI Bridge 1.2 §9.1): INTx of device d below is INT((pin-1+d)%4) above
  const below: Route = (dev, _fn, pin) => route(br.dev, br.fn, ((pin - 1 + dev) % 4) + 1);
  const child = scanBus(ctx, secondary, below);
  w(R.PCI_SUBORDINATE_BUS, ctx.nextBus - 1);
  cfg.write(br.bus, br.dev, br.fn, R.PCI_PREF_MEMORY_BASE, 2, 0xfff0); // no prefetchable window
  cfg.write(br.bus, br.dev, br.fn, R.PCI_PREF_MEMORY_LIMIT, 2, 0);
  cfg.write(br.bus, br.dev, br.fn, R.PCI_PREF_BASE_UPPER32, 4, 0);
  cfg.write(br.bus, br.dev, br.fn, R.PCI_PREF_LIMIT_UPPER32, 4, 0);
  const io = windowResource(br, cfg, 'io', child.io);
  const mem = windowResource(br, cfg, 'mem', child.mem);
  if (io) out.io.push(io);
  if (mem) out.mem.push(mem);
  ctx.bridges.push(br);
}

function scanBus(ctx: Ctx, bus: number, route: Route): BusResources {
  const { cfg } = ctx;
  const out: BusResources = { io: [], mem: [] };
  for (let dev = 0; dev < R.PCI_MAX_DEVICES; dev++) {
    if (cfg.read(bus, dev, 0, R.PCI_VENDOR_ID, 2) === 0xffff) continue;
    const multi = cfg.read(bus, dev, 0, R.PCI_HEADER_TYPE, 1) & R.PCI_HEADER_TYPE_MULTIFUNC;
    for (let fn = 0; fn < (multi ? R.PCI_MAX_FUNCTIONS : 1); fn++) {
      if (fn > 0 && cfg.read(bus, dev, fn, R.PCI_VENDOR_ID, 2) === 0xffff) continue;
      const f = new PciFunction(ctx.hb, cfg, bus, dev, fn);
      ctx.functions.push(f);
      const type = f.headerType;
      if (type !== R.PCI_HEADER_TYPE_NORMAL && type !== R.PCI_HEADER_TYPE_BRIDGE) {
        f.error = `header type ${type} is not handled`;
        continue;
      }
      const nbars = type === R.PCI_HEADER_TYPE_BRIDGE ? 2 : 6;
      f.bars = new Array(nbars).fill(undefined);
      for (const p of sizeBars(cfg, bus, dev, fn, nbars)) {
        if (p) (p.space === 'io' ? out.io : out.mem).push(barResource(f, cfg, p));
      }
      const pin = f.configRead(R.PCI_INTERRUPT_PIN, 1);
      f.pin = pin >= 1 && pin <= 4 ? pin : 0;
      f.irq = f.pin ? route(dev, fn, f.pin) : -1;
      if (f.pin) f.configWrite(R.PCI_INTERRUPT_LINE, 1, f.irq >= 0 && f.irq < 0xff ? f.irq : 0xff);
      if (type === R.PCI_HEADER_TYPE_BRIDGE) scanBridge(ctx, f, route, out);
    }
  }
  return out;
}

/**
 * Places root-bus resources in the host bridge's windows: 32-bit-only ones first, so a 64-bit BAR
 * never takes the room they need; 64-bit BARs go below 4 GiB while room lasts, then above.
 */
function assign(hb: RkPciHostBridge, res: BusResources): void {
  const win = (space: RkPciSpace) =>
    hb.windows.find((w) => w.space === space && !w.prefetchable) ??
    hb.windows.find((w) => w.space === space);
  const io = win('io');
  const m32 = win('mem32');
  const m64 = win('mem64');
  const ioA = io && new WindowAllocator(io, io.pciBase + R.PCIBIOS_MIN_IO);
  const m32A = m32 && new WindowAllocator(m32);
  const m64A = m64 && new WindowAllocator(m64);
  const offset = (a: WindowAllocator) => a.window.cpuBase - a.window.pciBase;
  const order = (a: PciResource, b: PciResource) =>
    Number(a.above4g) - Number(b.above4g) || byAlignDesc(a, b);
  for (const r of [...res.io, ...res.mem].sort(order)) {
    const tries = r.kind === 'io' ? [ioA] : r.above4g ? [m32A, m64A] : [m32A];
    let placed = false;
    for (const a of tries) {
      const at = a ? a.alloc(r.size, r.align) : -1;
      if (a && at >= 0) {
        r.place(at, offset(a));
        placed = true;
        break;
      }
    }
    if (!placed)
      r.fail(
        tries.some(Boolean)
          ? `no room in ${hb.name}'s ${r.kind} windows`
          : `${hb.name} has no ${r.kind} window`,
      );
  }
}

/**
 * Scans every bus behind `hb`, sizes and assigns BARs, numbers bridges' buses, routes INTx.
 * Functions' decoding stays off (the bus enables it when a driver binds); bridges are enabled.
 * @returns the functions in scan order and the cost figures.
 */
export function enumerateHostBridge(
  hb: RkPciHostBridge,
  now: () => number = () => 0,
): { functions: PciFunction[]; stats: RkPciEnumStats } {
  const t0 = now();
  const { c, access } = counting(hb.cfg);
  const ctx: Ctx = { hb, cfg: access, functions: [], bridges: [], nextBus: hb.busStart + 1 };
  assign(hb, scanBus(ctx, hb.busStart, hb.routeIntx));
  const on = R.PCI_COMMAND_IO | R.PCI_COMMAND_MEMORY | R.PCI_COMMAND_MASTER;
  for (const br of ctx.bridges)
    if (!br.error) br.configWrite(R.PCI_COMMAND, 2, br.configRead(R.PCI_COMMAND, 2) | on);
  const stats = {
    hostBridge: hb.name,
    functions: ctx.functions.length,
    configReads: c.reads,
    configWrites: c.writes,
    enumNs: now() - t0,
  };
  return { functions: ctx.functions, stats };
}
