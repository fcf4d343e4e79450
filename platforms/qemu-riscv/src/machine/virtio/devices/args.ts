// `-device virtio-*-device,...` and `-global virtio-mmio.force-legacy=` parsing, and the one-call
// factory that turns QEMU-style -netdev/-drive/-device lists into device models (for `rk run`).
import { createBlockBackend, parseDrive } from '../../backends/blk/args';
import type { BlockBackend } from '../../backends/blk/backend';
import { isPflashDrive } from '../../backends/blk/pflash-args';
import { createFsdevServer, type FsdevSpec, parseFsdev, parseVirtfs } from '../../backends/fs/args';
import type { P9Server } from '../../backends/fs/server';
import { createNetBackend, parseNetdev } from '../../backends/net/args';
import type { NetBackend } from '../../backends/net/backend';
import { NoPeerBackend } from '../../backends/net/no-peer';
import { OptReader, splitOpts } from '../../backends/net/qemu-opts';
import { createRngBackend, type OpenRng, parseRngObject } from '../../backends/rng/args';
import { hostRng } from '../../backends/rng/backend';
import { VirtioBlk } from './blk';
import type { VirtioDeviceModel } from './model';
import { parseMac, VirtioNet } from './net';
import { Virtio9p } from './p9';
import { VirtioRng } from './rng';

/** Where a `virtio-*-pci` goes and how (QEMU's addr=, disable-legacy=, disable-modern=, multifunction=). */
export interface PciPlacement {
  slot?: number;
  fn?: number;
  disableLegacy?: boolean;
  disableModern?: boolean;
  multifunction?: boolean;
}

/**
 * A parsed `-device`. `slot` comes from `bus=virtio-mmio-bus.N`. A `virtio-*-pci` device parses as its
 * `virtio-*-device` kind with `pci` set (the same model behind the PCI transport).
 */
export type DeviceSpec = { pci?: PciPlacement } & (
  | {
      kind: 'virtio-net-device';
      id?: string;
      slot?: number;
      /** The -netdev id; absent = a NIC with no peer (QEMU accepts it: TX is dropped, no RX). */
      netdev?: string;
      mac?: Uint8Array;
      hostMtu?: number;
    }
  | {
      kind: 'virtio-blk-device';
      id?: string;
      slot?: number;
      drive: string;
      serial?: string;
      queueSize?: number;
    }
  | { kind: 'virtio-rng-device'; id?: string; slot?: number; rng?: string }
  | { kind: 'virtio-9p-device'; id?: string; slot?: number; fsdev: string; mountTag: string }
);

const KINDS =
  'virtio-net-device, virtio-blk-device, virtio-rng-device, virtio-9p-device and their -pci forms';

/** The name the user wrote for a parsed device (its -pci form when it goes on the PCIe bus). */
export function deviceName(d: DeviceSpec): string {
  return d.pci ? d.kind.replace(/-device$/, '-pci') : d.kind;
}

/** The properties `info qtree` shows for a parsed device beyond what the model itself knows. */
export function qdevProps(d: DeviceSpec): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  if (d.kind === 'virtio-net-device') m.set('netdev', d.netdev ?? '');
  if (d.kind === 'virtio-blk-device') m.set('drive', d.drive).set('serial', d.serial ?? '');
  if (d.kind === 'virtio-9p-device') m.set('mount_tag', d.mountTag).set('fsdev', d.fsdev);
  return m;
}

/** QEMU's `addr=SLOT[.FN]` (hexadecimal, as its PCI devfn property). */
function parsePciAddr(what: string, v: string): { slot: number; fn: number } {
  const m = /^(?:0x)?([0-9a-f]{1,2})(?:\.([0-7]))?$/i.exec(v);
  const slot = m ? Number.parseInt(m[1], 16) : -1;
  if (!m || slot > 0x1f)
    throw new Error(`${what}: addr=${v} is not SLOT[.FN] (slot 0..1f hexadecimal, function 0..7)`);
  return { slot, fn: m[2] === undefined ? 0 : Number(m[2]) };
}

/** disable-legacy / disable-modern: on, off or auto (auto = off on the root bus, as QEMU decides). */
function onOffAuto(r: OptReader, what: string, key: string): boolean | undefined {
  const v = r.str(key);
  if (v === undefined || v === 'auto') return undefined;
  if (['on', 'yes', 'true', 'y'].includes(v)) return true;
  if (['off', 'no', 'false', 'n'].includes(v)) return false;
  throw new Error(`${what}: '${key}=${v}' is not on, off or auto`);
}

/** Parses `-device virtio-net-device,netdev=n0,mac=...`. @throws Error with a precise message. */
export function parseDevice(text: string): DeviceSpec {
  const o = splitOpts('-device', text);
  const named = o.head ?? o.values.get('driver');
  if (!named) throw new Error(`-device '${text}': missing the device type (${KINDS})`);
  const what = `-device ${named}`;
  const r = new OptReader(what, o);
  r.str('driver');
  const id = r.str('id');
  const bus = r.str('bus');
  const isPci = /^virtio-(net|blk|rng|9p)-pci$/.test(named);
  const kind = isPci ? named.replace(/-pci$/, '-device') : named;
  let slot: number | undefined;
  let pci: PciPlacement | undefined;
  if (isPci) {
    if (bus !== undefined && bus !== 'pcie.0')
      throw new Error(
        `${what}: bus=${bus} is not pcie.0 (the only PCI bus: no bridges are modelled)`,
      );
    const addr = r.str('addr');
    pci = addr === undefined ? {} : parsePciAddr(what, addr);
    pci.disableLegacy = onOffAuto(r, what, 'disable-legacy');
    pci.disableModern = onOffAuto(r, what, 'disable-modern');
    pci.multifunction = r.bool('multifunction', false);
    if (pci.disableLegacy && pci.disableModern)
      throw new Error(
        `${what}: device cannot work as neither modern nor legacy mode is enabled (set disable-modern or disable-legacy to off)`,
      );
  } else if (bus !== undefined) {
    const m = /^virtio-mmio-bus\.(\d+)$/.exec(bus);
    if (!m || Number(m[1]) > 7)
      throw new Error(`${what}: bus=${bus} is not virtio-mmio-bus.0 … virtio-mmio-bus.7`);
    slot = Number(m[1]);
  }
  let spec: DeviceSpec;
  switch (kind) {
    case 'virtio-net-device': {
      const mac = r.str('mac');
      let parsed: Uint8Array | undefined;
      try {
        parsed = mac === undefined ? undefined : parseMac(mac);
      } catch (e) {
        throw new Error(`${what}: ${(e as Error).message}`);
      }
      if (parsed && parsed[0] & 1) throw new Error(`${what}: mac=${mac} is a multicast address`);
      spec = {
        kind,
        id,
        slot,
        netdev: r.str('netdev'),
        mac: parsed,
        hostMtu: r.int('host_mtu', 68, 65535),
      };
      break;
    }
    case 'virtio-blk-device': {
      const serial = r.str('serial');
      if (serial !== undefined && serial.length > 20)
        throw new Error(`${what}: serial=${serial} is longer than 20 bytes`);
      const queueSize = r.int('queue-size', 2, 1024);
      if (queueSize !== undefined && (queueSize & (queueSize - 1)) !== 0)
        throw new Error(`${what}: queue-size=${queueSize} is not a power of 2`);
      spec = { kind, id, slot, drive: r.need('drive'), serial, queueSize };
      break;
    }
    case 'virtio-rng-device':
      spec = { kind, id, slot, rng: r.str('rng') };
      break;
    case 'virtio-9p-device': {
      const fsdev = r.need('fsdev');
      const mountTag = r.str('mount_tag');
      if (mountTag === undefined)
        throw new Error(`${what}: fsdev with id ${fsdev} needs mount_tag arguments`);
      const len = new TextEncoder().encode(mountTag).length;
      if (len === 0 || len > 31)
        throw new Error(
          `${what}: mount tag '${mountTag}' (${len} bytes) is not 1 to 31 bytes long`,
        );
      spec = { kind, id, slot, fsdev, mountTag };
      break;
    }
    default:
      throw new Error(`-device: unknown device '${named}' (supported: ${KINDS})`);
  }
  r.done();
  if (pci) spec.pci = pci;
  return spec;
}

/** Parses `-global virtio-mmio.force-legacy=on|off`. @returns the legacy flag. */
export function parseGlobal(text: string): { forceLegacy: boolean } {
  const m = /^virtio-mmio\.force-legacy=(.*)$/.exec(text);
  if (!m) throw new Error(`-global ${text}: only virtio-mmio.force-legacy=on|off is supported`);
  const v = m[1];
  if (['on', 'true', 'yes'].includes(v)) return { forceLegacy: true };
  if (['off', 'false', 'no'].includes(v)) return { forceLegacy: false };
  throw new Error(`-global virtio-mmio.force-legacy=${v}: expected on or off`);
}

export interface VirtioPlan {
  /**
   * Devices in command-line order; `slot` is the pinned virtio-mmio slot, if any (else the highest free
   * one); `pci` set = plug on the PCIe bus instead (`Machine.plugVirtioPci(model, pci)`).
   */
  readonly devices: {
    model: VirtioDeviceModel;
    slot?: number;
    pci?: PciPlacement;
    spec: DeviceSpec;
  }[];
  /** Closes every backend (sockets, files, socat). */
  close(): Promise<void>;
}

/**
 * Builds device models and their backends from QEMU-style arguments. Cross-checks references
 * (unknown or reused netdev/drive ids, duplicate slots, more than 8 devices).
 * @throws Error with a precise message; backends opened so far are closed first.
 */
export async function createVirtioDevicesFromArgs(args: {
  netdev?: readonly string[];
  drive?: readonly string[];
  device?: readonly string[];
  /** `-object rng-random|rng-builtin,id=…` for `virtio-rng-device,rng=`. */
  object?: readonly string[];
  /** `-fsdev local,id=…,path=…,security_model=…` for `virtio-9p-device,fsdev=`. */
  fsdev?: readonly string[];
  /** `-virtfs local,path=…,mount_tag=…,security_model=…`: an fsdev and its device, after the -device list. */
  virtfs?: readonly string[];
}): Promise<VirtioPlan> {
  const netSpecs = (args.netdev ?? []).map(parseNetdev);
  const rngSpecs = (args.object ?? []).map(parseRngObject);
  // if=pflash drives back the flash banks (openPflashDrives), not virtio-blk.
  const driveSpecs = (args.drive ?? []).filter((d) => !isPflashDrive(d)).map(parseDrive);
  const fsSpecs: FsdevSpec[] = (args.fsdev ?? []).map(parseFsdev);
  const devSpecs = (args.device ?? []).map(parseDevice);
  for (const v of (args.virtfs ?? []).map(parseVirtfs)) {
    fsSpecs.push(v.fsdev);
    devSpecs.push({ kind: 'virtio-9p-device', fsdev: v.fsdev.id, mountTag: v.tag });
  }

  const dupe = (ids: string[], what: string) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new Error(`${what} id=${id} is defined twice`);
      seen.add(id);
    }
  };
  dupe(
    netSpecs.map((n) => n.id),
    '-netdev',
  );
  dupe(
    driveSpecs.map((d) => d.id),
    '-drive',
  );
  dupe(
    rngSpecs.map((o) => o.id),
    '-object',
  );
  dupe(
    fsSpecs.map((f) => f.id),
    '-fsdev',
  );
  const mmioCount = devSpecs.filter((d) => !d.pci).length;
  if (mmioCount > 8)
    throw new Error(
      `-device: ${mmioCount} virtio-mmio devices, but the virt machine has 8 virtio-mmio slots`,
    );
  const slots = new Set<number>();
  const pciAddrs = new Map<number, string>();
  for (const d of devSpecs) {
    if (d.pci?.slot === undefined) continue;
    const devfn = d.pci.slot * 8 + (d.pci.fn ?? 0);
    const other = pciAddrs.get(devfn);
    const at = `${d.pci.slot.toString(16)}.${d.pci.fn ?? 0}`;
    if (devfn === 0 || other)
      throw new Error(
        `-device ${deviceName(d)}: PCI: slot ${at} not available, in use by ${other ?? 'the host bridge (gpex-root)'}`,
      );
    pciAddrs.set(devfn, deviceName(d));
  }
  const usedNet = new Map<string, string>();
  const usedDrive = new Map<string, string>();
  const usedFs = new Set<string>();
  for (const d of devSpecs) {
    if (d.kind === 'virtio-9p-device') {
      if (!fsSpecs.some((f) => f.id === d.fsdev))
        throw new Error(`-device ${deviceName(d)}: fsdev=${d.fsdev} does not name a -fsdev`);
      if (usedFs.has(d.fsdev))
        throw new Error(
          `-device ${deviceName(d)}: fsdev=${d.fsdev} is already used by another device`,
        );
      usedFs.add(d.fsdev);
    }
    if (d.slot !== undefined) {
      if (slots.has(d.slot))
        throw new Error(`-device ${deviceName(d)}: bus=virtio-mmio-bus.${d.slot} is already taken`);
      slots.add(d.slot);
    }
    if (
      d.kind === 'virtio-rng-device' &&
      d.rng !== undefined &&
      !rngSpecs.some((o) => o.id === d.rng)
    )
      throw new Error(
        `-device ${deviceName(d)}: Device '${d.rng}' not found (rng= names no -object)`,
      );
    if (d.kind === 'virtio-net-device' && d.netdev !== undefined) {
      if (!netSpecs.some((n) => n.id === d.netdev))
        throw new Error(`-device ${deviceName(d)}: netdev=${d.netdev} does not name a -netdev`);
      if (usedNet.has(d.netdev))
        throw new Error(
          `-device ${deviceName(d)}: netdev=${d.netdev} is already used by another device`,
        );
      usedNet.set(d.netdev, d.kind);
    }
    if (d.kind === 'virtio-blk-device') {
      if (!driveSpecs.some((x) => x.id === d.drive))
        throw new Error(`-device ${deviceName(d)}: drive=${d.drive} does not name a -drive`);
      if (usedDrive.has(d.drive))
        throw new Error(
          `-device ${deviceName(d)}: drive=${d.drive} is already used by another device`,
        );
      usedDrive.set(d.drive, d.kind);
    }
  }
  const opened: (NetBackend | BlockBackend | OpenRng | P9Server)[] = [];
  const closeAll = async () => {
    for (const b of opened) await b.close();
  };
  try {
    const nets = new Map<string, NetBackend>();
    for (const n of netSpecs) {
      const b = await createNetBackend(n);
      opened.push(b);
      nets.set(n.id, b);
    }
    const rngs = new Map<string, OpenRng>();
    for (const o of rngSpecs) {
      const b = createRngBackend(o);
      opened.push(b);
      rngs.set(o.id, b);
    }
    const drives = new Map<string, BlockBackend>();
    for (const d of driveSpecs) {
      const b = createBlockBackend(d);
      opened.push(b);
      drives.set(d.id, b);
    }
    const shares = new Map<string, P9Server>();
    for (const f of fsSpecs) {
      const srv = createFsdevServer(f);
      opened.push(srv);
      shares.set(f.id, srv);
    }
    const devices = devSpecs.map((spec) => {
      let model: VirtioDeviceModel;
      if (spec.kind === 'virtio-net-device')
        model = new VirtioNet(
          spec.netdev === undefined ? new NoPeerBackend() : nets.get(spec.netdev)!,
          { mac: spec.mac, hostMtu: spec.hostMtu },
        );
      else if (spec.kind === 'virtio-blk-device')
        model = new VirtioBlk(drives.get(spec.drive)!, {
          serial: spec.serial,
          queueSize: spec.queueSize,
        });
      else if (spec.kind === 'virtio-9p-device')
        model = new Virtio9p(shares.get(spec.fsdev)!, spec.mountTag);
      else model = new VirtioRng(spec.rng === undefined ? hostRng : rngs.get(spec.rng)!);
      return { model, slot: spec.slot, pci: spec.pci, spec };
    });
    return { devices, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
