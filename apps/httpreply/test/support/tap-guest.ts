// Boots an app image on the in-process machine with a virtio-net device either on a TAP interface
// in a fresh network namespace (Linux tools reach the guest through Linux's own TCP/IP stack; root
// only, `tapGuestUnavailable()` names what is missing) or on `-netdev user` with a host port
// forwarded to the guest (`userNetUnavailable()`).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  createNetBackend,
  type GuestImage,
  Machine,
  type MachineExit,
  type NetBackend,
  parseMac,
  parseNetdev,
  TapNetBackend,
  tapUnavailableReason,
  VirtioNet,
} from '@runikraft/plat-qemu-riscv/machine';
import { type Ran, run } from './run';

/** Why the TAP tests cannot run here (naming the missing tools), or null. */
export function tapGuestUnavailable(tools: string[]): string | null {
  const r = tapUnavailableReason();
  if (r) return r;
  const probe = `rkprobe${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch (e) {
    return `cannot create network namespaces: ${(e as Error).message}`;
  }
  for (const t of tools)
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed`;
  return null;
}

export interface TapGuest {
  readonly ns: string;
  readonly guestIp: string;
  /** Console output so far. */
  out(): string;
  /** Runs a command inside the namespace (bounded by `timeoutMs`). */
  run(cmd: string, args: string[], timeoutMs?: number): Promise<Ran>;
  /** Powers the guest off and removes the TAP device and the namespace. */
  stop(): Promise<MachineExit>;
}

/**
 * Boots `image` with `netdev.ip=<guest>/24` and waits until its console shows `ready`.
 * `tag` makes the namespace and interface names unique per test.
 */
export async function bootOnTap(
  image: GuestImage,
  tag: string,
  append: string,
  ready: RegExp,
  memory = 128 << 20,
): Promise<TapGuest> {
  const ns = `rk${tag}${process.pid}`;
  const ifname = `rk${tag}${process.pid % 100000}`.slice(0, 15);
  const subnet = 80 + (process.pid % 100);
  const [hostIp, guestIp] = [`10.${subnet}.0.1`, `10.${subnet}.0.2`];
  const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' });
  ip('netns', 'add', ns);
  let tap: TapNetBackend | null = null;
  try {
    tap = await TapNetBackend.open('t0', ifname);
    ip('link', 'set', ifname, 'netns', ns);
    ip('-n', ns, 'addr', 'add', `${hostIp}/24`, 'dev', ifname);
    ip('-n', ns, 'link', 'set', ifname, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  } catch (e) {
    await tap?.close();
    ip('netns', 'del', ns);
    throw e;
  }
  let out = '';
  const m = new Machine({
    console: (t) => (out += t),
    clock: 'host',
    memory,
    append: `netdev.ip=${guestIp}/24:${hostIp} ${append}`,
  });
  m.plugVirtio(new VirtioNet(tap, { mac: parseMac('52:54:00:12:34:56') }));
  const exit = m.boot(image);
  for (let i = 0; !ready.test(out); i++) {
    if (m.exit || i > 300) {
      m.powerOff(1);
      await exit;
      await tap.close();
      ip('netns', 'del', ns);
      throw new Error(`guest not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const t = tap;
  return {
    ns,
    guestIp,
    out: () => out,
    run: (cmd, args, timeoutMs = 20_000) =>
      run('ip', ['netns', 'exec', ns, cmd, ...args], timeoutMs),
    async stop() {
      if (!m.exit) m.powerOff(0);
      const e = await exit;
      await t.close();
      ip('netns', 'del', ns);
      return e;
    },
  };
}

/** Why `-netdev user` cannot be used here (the machine lacks it), or null. */
export function userNetUnavailable(): string | null {
  try {
    parseNetdev('user,id=probe,restrict=on');
    return null;
  } catch (e) {
    return `-netdev user is not available: ${(e as Error).message}`;
  }
}

export interface NetdevGuest {
  out(): string;
  stop(): Promise<MachineExit>;
}

/**
 * Boots `image` with virtio-net on the backend `-netdev <spec>` describes and waits until its
 * console shows `ready`.
 */
export async function bootOnNetdev(
  image: GuestImage,
  spec: string,
  append: string,
  ready: RegExp,
  memory = 128 << 20,
): Promise<NetdevGuest> {
  const backend: NetBackend = await createNetBackend(parseNetdev(spec));
  let out = '';
  const m = new Machine({ console: (t) => (out += t), clock: 'host', memory, append });
  m.plugVirtio(new VirtioNet(backend, { mac: parseMac('52:54:00:12:34:56') }));
  const exit = m.boot(image);
  for (let i = 0; !ready.test(out); i++) {
    if (m.exit || i > 300) {
      if (!m.exit) m.powerOff(1);
      await exit;
      await backend.close();
      throw new Error(`guest not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    out: () => out,
    async stop() {
      if (!m.exit) m.powerOff(0);
      const e = await exit;
      await backend.close();
      return e;
    },
  };
}

/**
 * Boots `image` on `-netdev user,hostfwd=tcp:127.0.0.1:<hostPort>-:<guestPort>,restrict=on` (the
 * guest takes 10.0.2.15 by DHCP) and waits until its console shows `ready`.
 */
export function bootOnUser(
  image: GuestImage,
  hostPort: number,
  guestPort: number,
  append: string,
  ready: RegExp,
  memory = 128 << 20,
): Promise<NetdevGuest> {
  const spec = `user,id=n0,hostfwd=tcp:127.0.0.1:${hostPort}-:${guestPort},restrict=on`;
  return bootOnNetdev(image, spec, append, ready, memory);
}
