// A Linux TAP device (QEMU `-netdev tap,ifname=...`) bridged through socat: socat opens
// /dev/net/tun (tap, IFF_NO_PI) and moves one Ethernet frame per UDP datagram to our DgramNetBackend.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { DgramNetBackend } from './dgram';

/** Why TAP cannot work here, or null when it can (root, /dev/net/tun, socat present). */
export function tapUnavailableReason(): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'TAP needs root (CAP_NET_ADMIN)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun does not exist';
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) return 'socat is not installed (apt-get install socat)';
  return null;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  const p = s.address().port;
  await new Promise<void>((res) => s.close(() => res()));
  return p;
}

export class TapNetBackend extends DgramNetBackend {
  private child: ChildProcess | null = null;
  /** socat's stderr, for error messages. */
  log = '';

  private constructor(
    id: string,
    readonly ifname: string,
    localPort: number,
    private readonly socatPort: number,
  ) {
    super(id, {
      local: { host: '127.0.0.1', port: localPort },
      remote: { host: '127.0.0.1', port: socatPort },
    });
  }

  /** Creates the TAP interface `ifname` (left down; the caller configures it) and the bridge. */
  static async open(id: string, ifname: string): Promise<TapNetBackend> {
    const why = tapUnavailableReason();
    if (why) throw new Error(`-netdev tap,id=${id}: ${why}`);
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(ifname))
      throw new Error(`-netdev tap,id=${id}: bad ifname '${ifname}'`);
    const [mine, theirs] = [await freeUdpPort(), await freeUdpPort()];
    const t = new TapNetBackend(id, ifname, mine, theirs);
    await t.ready;
    t.child = spawn(
      'socat',
      [
        '-b',
        '65536',
        `TUN,tun-type=tap,iff-no-pi,tun-name=${ifname}`,
        `UDP-DATAGRAM:127.0.0.1:${mine},bind=127.0.0.1:${theirs}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    t.child.stderr?.on('data', (d) => {
      t.log += String(d);
    });
    t.child.on('exit', (code) => {
      t.markDown(`socat exited with ${code}: ${t.log.trim()}`);
    });
    for (let i = 0; i < 100; i++) {
      if (existsSync(`/sys/class/net/${ifname}`)) return t;
      if (t.lastError) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await t.close();
    throw new Error(
      `-netdev tap,id=${id}: interface ${ifname} did not appear: ${t.lastError ?? t.log}`,
    );
  }

  /** @internal the bridge died: the link goes down. */
  markDown(reason: string): void {
    this.setLink(reason);
  }

  get socatUdpPort(): number {
    return this.socatPort;
  }

  override async close(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const c = this.child;
      await new Promise<void>((res) => {
        c.once('exit', () => res());
        c.kill('SIGTERM');
      });
    }
    this.child = null;
    await super.close();
  }
}
