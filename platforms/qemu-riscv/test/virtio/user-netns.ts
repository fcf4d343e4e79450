// Test harness: Linux's own TCP/IP stack as the guest of a `-netdev user` backend. A TAP device in a
// fresh network namespace is bridged (TapNetBackend, socat) frame for frame to a UserNetBackend.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { parseNetdev } from '../../src/machine/backends/net/args';
import { TapNetBackend, tapUnavailableReason } from '../../src/machine/backends/net/tap';
import { UserNetBackend, type UserNetOptions } from '../../src/machine/backends/net/user/backend';

/** Why the netns tests cannot run here, or null. */
export function netnsUnavailableReason(): string | null {
  const why = tapUnavailableReason();
  if (why) return why;
  const probe = `rkup${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch (e) {
    return `cannot create network namespaces: ${(e as Error).message}`;
  }
  return null;
}

export interface NetnsGuest {
  readonly ns: string;
  readonly ifname: string;
  readonly user: UserNetBackend;
  /** Runs a command inside the namespace (asynchronously: the backend must keep running). @returns stdout; rejects on a non-zero exit. */
  exec(cmd: string[], timeoutMs?: number): Promise<string>;
  /** Runs a command inside the namespace without waiting. */
  spawn(cmd: string[]): ReturnType<typeof spawn>;
  close(): Promise<void>;
}

/**
 * Creates namespace `ns` with TAP `ifname` (up, no address) bridged to a `-netdev user` built from
 * `netdev` (QEMU syntax, e.g. `user,id=u0,restrict=on`). `loss` drops that share of the frames in
 * both directions (seeded), so both TCP ends must retransmit.
 */
export async function netnsGuest(
  ns: string,
  ifname: string,
  netdev: string,
  opts: UserNetOptions = {},
  loss = 0,
): Promise<NetnsGuest> {
  const spec = parseNetdev(netdev);
  if (spec.type !== 'user') throw new Error('netnsGuest needs -netdev user');
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  execFileSync('ip', ['netns', 'add', ns]);
  let tap: TapNetBackend | null = null;
  let closing = () => {};
  let user: UserNetBackend | null = null;
  try {
    tap = await TapNetBackend.open('tap0', ifname);
    user = await UserNetBackend.open(spec.id, spec.config, opts);
    const [t, u] = [tap, user];
    const lost = bridgeLoss(loss);
    let open = true;
    closing = () => {
      open = false;
    };
    t.attach({
      receive: (f) => {
        if (open && !lost()) u.send(f);
        return true;
      },
    });
    u.attach({
      receive: (f) => {
        if (open && !lost()) t.send(f);
        return true;
      },
    });
    execFileSync('ip', ['link', 'set', ifname, 'netns', ns]);
    // The moved interface can take a moment to show up in the namespace when the host is busy.
    const inNs = async (...a: string[]) => {
      for (let i = 0; ; i++) {
        const r = spawnSync('ip', ['netns', 'exec', ns, ...a], { encoding: 'utf8' });
        if (r.status === 0) return;
        if (i === 50)
          throw new Error(
            `${a.join(' ')} in ${ns}: ${r.stderr} (bridge: ${t.lastError ?? 'up'} ${t.log})`,
          );
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    await inNs('ip', 'link', 'set', 'lo', 'up');
    // quiets IPv6 router solicitations; the entry can appear late after the move, so best effort
    spawnSync('ip', [
      'netns',
      'exec',
      ns,
      'sysctl',
      '-qw',
      `net.ipv6.conf.${ifname}.disable_ipv6=1`,
    ]);
    await inNs('ip', 'link', 'set', ifname, 'up');
  } catch (e) {
    await tap?.close();
    await user?.close();
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    throw e;
  }
  const [t, u] = [tap, user];
  const children: ReturnType<typeof spawn>[] = [];
  return {
    ns,
    ifname,
    user: u,
    exec: async (cmd, timeoutMs = 20_000) =>
      (
        await promisify(execFile)('ip', ['netns', 'exec', ns, ...cmd], {
          timeout: timeoutMs,
          maxBuffer: 64 << 20,
        })
      ).stdout,
    spawn: (cmd) => {
      const c = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
      children.push(c);
      return c;
    },
    close: async () => {
      closing();
      for (const c of children) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
      await u.close();
      await t.close();
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    },
  };
}

/** A seeded drop decision (mulberry32), so a failing loss pattern replays. */
function bridgeLoss(rate: number): () => boolean {
  let a = 0x5eed;
  return () => {
    if (rate <= 0) return false;
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 < rate;
  };
}
