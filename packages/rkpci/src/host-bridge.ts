// Host bridges from the device tree: `pci-host-ecam-generic` nodes (Linux pci-host-generic.c and
// of_pci_range_parser; DT bindings pci/host-generic-pci.yaml, IEEE 1275 PCI binding §2.2.1.1 for
// the three-cell PCI address, DT spec §2.4.3 for interrupt-map/-mask).
import { type Fdt, FdtError, type FdtNode } from '@runikraft/fdt';
import type { RkPlatDevices } from '@runikraft/rkplat';
import type { RkPciHostBridge, RkPciSpace, RkPciWindow } from './api';
import { EcamConfigAccess } from './ecam';
import { ECAM_BUS_SHIFT } from './regs';

/** A host-bridge node that could not be used, and why. */
export interface RkPciHostBridgeError {
  readonly path: string;
  readonly error: string;
}

const SPACES: readonly (RkPciSpace | null)[] = [null, 'io', 'mem32', 'mem64'];

function cellsToNumber(cells: readonly number[], field: string): number {
  let v = 0;
  for (const c of cells) v = v * 0x100000000 + (c >>> 0);
  if (!Number.isSafeInteger(v)) throw new Error(`${field}: ${v} is above 2^53`);
  return v;
}

/** Decodes `ranges` (child: 3-cell PCI address; parent: its #address-cells; size: #size-cells). */
export function parseRanges(fdt: Fdt, node: FdtNode): RkPciWindow[] {
  const ca = fdt.addressCells(node);
  const sc = fdt.sizeCells(node);
  const pa = node.parent ? fdt.addressCells(node.parent) : 2;
  const cells = fdt.getPropCells(node, 'ranges') ?? [];
  const stride = ca + pa + sc;
  if (ca !== 3) throw new Error(`#address-cells is ${ca}, a PCI bus needs 3`);
  if (cells.length % stride !== 0)
    throw new Error(`ranges: ${cells.length} cells are not rows of ${stride}`);
  const out: RkPciWindow[] = [];
  for (let i = 0; i < cells.length; i += stride) {
    const hi = cells[i]!;
    const space = SPACES[(hi >>> 24) & 3];
    if (!space) continue; // configuration space ranges name no window
    out.push({
      space,
      prefetchable: (hi & 0x40000000) !== 0,
      pciBase: cellsToNumber(cells.slice(i + 1, i + 3), 'ranges'),
      cpuBase: cellsToNumber(cells.slice(i + 3, i + 3 + pa), 'ranges'),
      size: cellsToNumber(cells.slice(i + 3 + pa, i + stride), 'ranges'),
    });
  }
  return out;
}

/** INTx routing through `interrupt-map` under `interrupt-map-mask` (root-bus devices). */
export function intxRouter(
  fdt: Fdt,
  node: FdtNode,
): (dev: number, fn: number, pin: number) => number {
  const rows = fdt.interruptMap(node);
  const mask = fdt.getPropCells(node, 'interrupt-map-mask') ?? [-1, -1, -1, -1];
  if (rows.length && mask.length !== rows[0]!.childAddress.length + rows[0]!.childSpecifier.length)
    throw new Error(
      `interrupt-map-mask has ${mask.length} cells, the map's child keys have ${rows[0]!.childAddress.length + rows[0]!.childSpecifier.length}`,
    );
  return (dev, fn, pin) => {
    const key = [(dev << 11) | (fn << 8), 0, 0, pin];
    for (const r of rows) {
      const child = [...r.childAddress, ...r.childSpecifier];
      if (child.every((c, i) => ((c ^ key[i]!) & mask[i]!) === 0))
        return r.parentSpecifier[0] ?? -1;
    }
    return -1;
  };
}

/** One host bridge from its node; throws Error/FdtError naming what is malformed. */
function fromNode(
  fdt: Fdt,
  node: FdtNode,
  mmio: Pick<RkPlatDevices, 'read' | 'write'>,
  index: number,
): RkPciHostBridge {
  const reg = fdt.reg(node)[0];
  if (!reg) throw new Error('no reg (the ECAM region)');
  const range = fdt.getPropCells(node, 'bus-range') ?? [0, 0xff];
  if (range.length !== 2 || range[0]! > range[1]! || range[1]! > 0xff)
    throw new Error(`bus-range <${range.join(' ')}> is not two bus numbers in order`);
  const ecamBuses = Math.floor(reg.size / (1 << ECAM_BUS_SHIFT));
  if (ecamBuses < 1) throw new Error(`ECAM region of ${reg.size} bytes holds no bus`);
  const busStart = range[0]!;
  // Linux pci_ecam_create: a bus range larger than the region is cut to what the region maps
  const busEnd = Math.min(range[1]!, busStart + ecamBuses - 1);
  return {
    name: node.path,
    domain: fdt.getPropU32(node, 'linux,pci-domain') ?? index,
    busStart,
    busEnd,
    windows: parseRanges(fdt, node),
    cfg: new EcamConfigAccess(mmio, reg.address, busStart, busEnd),
    routeIntx: intxRouter(fdt, node),
  };
}

/**
 * Every `pci-host-ecam-generic` node of the tree, in tree order.
 * @returns the usable bridges and, for each malformed node, its path and the reason.
 */
export function hostBridgesFromDt(
  fdt: Fdt,
  mmio: Pick<RkPlatDevices, 'read' | 'write'>,
): { bridges: RkPciHostBridge[]; errors: RkPciHostBridgeError[] } {
  const bridges: RkPciHostBridge[] = [];
  const errors: RkPciHostBridgeError[] = [];
  for (const node of fdt.findByCompatible('pci-host-ecam-generic')) {
    try {
      bridges.push(fromNode(fdt, node, mmio, bridges.length));
    } catch (e) {
      const msg = e instanceof FdtError || e instanceof Error ? e.message : String(e);
      errors.push({ path: node.path, error: msg });
    }
  }
  return { bridges, errors };
}
