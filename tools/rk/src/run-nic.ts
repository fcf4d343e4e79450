// `-nic TYPE,…` (QEMU's NIC shorthand: a -netdev plus a NIC in one option) and Runikraft's `-p`
// port publishing (kraft's `-p [hostip:]hostport:guestport[/proto]`), both rewritten into
// -netdev/-device arguments for the machine.
import { RkUsageError } from './errors';
import type { RkDeviceArgs } from './machine';
import { type RunArgs, splitQemuOpts } from './run-args';

const NIC_TYPES = ['user', 'socket', 'stream', 'dgram', 'tap', 'hubport'];
const NIC_MODELS = ['virtio-net-device', 'virtio', 'virtio-net-pci'];
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

const bad = (flag: string, got: string, accepted: string) =>
  new RkUsageError(`rk run: ${flag}: bad value '${got}' (accepted: ${accepted})`);
const escapeCommas = (item: string) => item.replace(/,/g, ',,');

/**
 * `-nic none` or `-nic TYPE[,model=virtio-net-device][,mac=M][,id=ID][,netdev options]`: the netdev
 * (id `__org.qemu.nicN` unless given, as QEMU names it) and a virtio-net-device on it
 * (`model=virtio-net-pci`: a virtio-net-pci). Another model is not created, with QEMU's warning;
 * QEMU 7.2's riscv virt creates no NIC for -nic at all, whatever the model (measured).
 */
export function nic(v: string, out: RunArgs): void {
  if (v === 'none') return;
  const [type, ...items] = splitQemuOpts(v);
  if (!NIC_TYPES.includes(type))
    throw bad('-nic', v, `none or ${NIC_TYPES.join(', ')} followed by netdev options`);
  let model: string | undefined;
  let mac: string | undefined;
  let id: string | undefined;
  const rest: string[] = [];
  for (const item of items) {
    const [k, val = ''] = [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)];
    if (item.indexOf('=') < 0)
      throw new RkUsageError(`rk run: -nic ${v}: '${item}' is not key=value`);
    if (k === 'model') model = val;
    else if (k === 'mac') {
      if (!MAC.test(val)) throw bad('-nic mac', val, 'six hex bytes, e.g. 52:54:00:12:34:56');
      mac = val;
    } else if (k === 'id') id = val;
    else rest.push(escapeCommas(item));
  }
  const index = (out.netdev ?? []).filter((n) => n.includes('id=__org.qemu.nic')).length;
  const nid = id ?? `__org.qemu.nic${index}`;
  (out.netdev ??= []).push([type, `id=${escapeCommas(nid)}`, ...rest].join(','));
  if (model === undefined || NIC_MODELS.includes(model))
    (out.device ??= []).push(
      `${model === 'virtio-net-pci' ? model : 'virtio-net-device'},netdev=${escapeCommas(nid)}${mac ? `,mac=${mac}` : ''}`,
    );
  else
    (out.warnings ??= []).push(
      `-nic ${v}: requested NIC (model ${model}) was not created (only virtio-net-device and virtio-net-pci are modelled)`,
    );
}

/** One `-p` rule. */
export interface PortForward {
  readonly proto: 'tcp' | 'udp';
  /** Empty = every interface, as QEMU's hostfwd and kraft's -p. */
  readonly hostAddr: string;
  readonly hostPort: number;
  readonly guestPort: number;
}

/** `-p [hostip:]hostport:guestport[/tcp|/udp]` (also `--port`). */
export function port(v: string, out: RunArgs): void {
  const accepted = '[hostip:]hostport:guestport[/tcp|/udp], e.g. 8080:80 or 127.0.0.1:5353:53/udp';
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(v);
  if (!m) throw bad('-p', v, accepted);
  const [hostPort, guestPort] = [Number(m[2]), Number(m[3])];
  if (hostPort < 1 || hostPort > 65535) throw bad('-p', v, `a host port in 1..65535; ${accepted}`);
  if (guestPort < 1 || guestPort > 65535)
    throw bad('-p', v, `a guest port in 1..65535; ${accepted}`);
  if (m[1]?.split('.').some((b) => Number(b) > 255))
    throw bad('-p', v, `an IPv4 host address; ${accepted}`);
  (out.ports ??= []).push({
    proto: (m[4] as 'tcp' | 'udp' | undefined) ?? 'tcp',
    hostAddr: m[1] ?? '',
    hostPort,
    guestPort,
  });
}

/**
 * Adds the `-p` rules as hostfwd= to the first `-netdev user`, or, when there is none, a
 * `-netdev user,id=rkport0` with a virtio-net-device on it.
 */
export function applyPorts(args: RkDeviceArgs, ports: readonly PortForward[] = []): RkDeviceArgs {
  if (ports.length === 0) return args;
  const rules = ports.map((p) => `hostfwd=${p.proto}:${p.hostAddr}:${p.hostPort}-:${p.guestPort}`);
  const netdev = [...(args.netdev ?? [])];
  const i = netdev.findIndex((n) => /^(user|type=user)(,|$)/.test(n) || /,type=user(,|$)/.test(n));
  if (i >= 0) {
    netdev[i] = [netdev[i], ...rules].join(',');
    return { ...args, netdev };
  }
  netdev.push(['user', 'id=rkport0', ...rules].join(','));
  return { ...args, netdev, device: [...(args.device ?? []), 'virtio-net-device,netdev=rkport0'] };
}
