// Differential test of `-netdev user` against QEMU 7.2's slirp: the same guest frames go to a
// `qemu-system-riscv64 -M none` running `-netdev user` (joined through a hub to `-netdev stream`,
// which our StreamNetBackend connects to) and to our UserNetBackend; the answers must be identical
// byte for byte (DHCP OFFER/ACK/NAK, ARP, ICMP echo, RSTs), IP ids included. Only loopback is
// reached (restrict=on, or a SYN to a closed port on 127.0.0.1); no DNS query leaves unrestricted.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNetdev } from '../../src/machine/backends/net/args';
import type { NetBackend } from '../../src/machine/backends/net/backend';
import { StreamNetBackend } from '../../src/machine/backends/net/stream';
import { UserNetBackend } from '../../src/machine/backends/net/user/backend';
import { arpRequest, DNS, dhcp, GUEST, GW, ping, tcpSyn, udpFrame } from './guest-frames';

const QEMU = 'qemu-system-riscv64';
const skip =
  spawnSync(QEMU, ['--version']).status === 0
    ? null
    : `${QEMU} is not installed (apt-get install qemu-system-misc)`;
if (skip) console.log(`[skip] -netdev user vs QEMU slirp: ${skip}`);

const hex = (fs: Uint8Array[]) => fs.map((f) => Buffer.from(f).toString('hex'));

function collect(b: NetBackend): Uint8Array[] {
  const got: Uint8Array[] = [];
  b.attach({ receive: (f) => got.push(Uint8Array.from(f)) > 0 });
  return got;
}

/** Guest frames, in order; each step's answers are compared on their own. */
const restricted: Step[] = [
  ['DHCPDISCOVER', dhcp(1)],
  ['DHCPREQUEST for the offer', dhcp(3, undefined, 0x0a00020f)],
  ['DHCPREQUEST for a free address', dhcp(3, undefined, 0x0a000214)],
  ['DHCPREQUEST outside the pool (NAK)', dhcp(3, undefined, 0x0a000263)],
  ['DHCPDISCOVER from a second MAC', dhcp(1, Uint8Array.of(0x52, 0x54, 0, 0, 0, 2), 0, 7)],
  ['plain BOOTP request', dhcp(0, Uint8Array.of(0x52, 0x54, 0, 0, 0, 3), 0, 9)],
  ['DHCPRELEASE (ignored)', dhcp(7)],
  ['ARP who-has 10.0.2.2', arpRequest(GW)],
  ['ARP who-has 10.0.2.3', arpRequest(DNS)],
  ['ARP who-has 10.0.2.4 (no answer)', arpRequest(0x0a000204)],
  ['ping 10.0.2.2 with DF', ping(GW, 1, new TextEncoder().encode('abcdefgh'))],
  ['ping 10.0.2.3 without DF, odd size', ping(DNS, 2, new TextEncoder().encode('xyz'), false)],
  ['ping 10.0.2.9 (no answer)', ping(0x0a000209, 3, new Uint8Array(8))],
  ['TCP SYN to 10.0.2.2:80 (restricted: RST)', tcpSyn(GW, 40000, 80, 1000)],
  ['DNS query (restricted: dropped)', udpFrame(GUEST, 5353, DNS, 53, new Uint8Array(17))],
];

/** A host port nobody listens on (bound, then closed). */
function closedPort(): number {
  const r = spawnSync(process.execPath, [
    '-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ]);
  return Number(String(r.stdout).trim());
}

/** Without restrict: the gateway's DHCP options, and a connection QEMU tries on the host loopback. */
const open = (): Step[] => [
  ['DHCPDISCOVER (router and DNS offered)', dhcp(1)],
  [
    'TCP SYN to a closed loopback port (RST after the host refused)',
    tcpSyn(GW, 40001, closedPort(), 77),
  ],
];

/**
 * hostfwd: a host client connects to each side's listener; the SYN into the guest must match once
 * the client's port, the ISN and the TCP checksum are masked (slirp counts ISNs, ours are random).
 */
const forwarded: Step[] = [
  ['ARP who-has 10.0.2.2 (teaches the guest MAC)', arpRequest(GW)],
  ['host connects to the hostfwd port: SYN to 10.0.2.15:80', 'connect'],
];
const maskSyn = (h: string) =>
  `${h.slice(0, 68)}xxxx${h.slice(72, 76)}xxxxxxxx${h.slice(84, 100)}xxxx${h.slice(104)}`;

type Step = [string, Uint8Array | 'connect'];

differential('user,id=u0,restrict=on', restricted);
differential('user,id=u0', open());
differential('user,id=u0,restrict=on', forwarded, 80);

function differential(netdev: string, steps: Step[], fwdGuestPort?: number): void {
  const fwdPort = fwdGuestPort === undefined ? 0 : closedPort();
  const rule = (port: number) =>
    fwdGuestPort ? `,hostfwd=tcp:127.0.0.1:${port}-:${fwdGuestPort}` : '';
  describe.skipIf(skip !== null)(`-netdev ${netdev}${rule(0)} vs QEMU 7.2 slirp`, () => {
    let dir: string;
    let qemu: ChildProcess;
    let theirs: StreamNetBackend;
    let ours: UserNetBackend;
    const answers: { ours: string[]; theirs: string[] }[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rk-slirp-'));
      const sock = join(dir, 'q.sock');
      qemu = spawn(
        QEMU,
        [
          '-M',
          'none',
          '-nographic',
          '-monitor',
          'none',
          '-serial',
          'none',
          '-netdev',
          `stream,id=s0,server=on,addr.type=unix,addr.path=${sock}`,
          '-netdev',
          'hubport,id=h0,hubid=0,netdev=s0',
          '-netdev',
          netdev.replace('id=u0', 'id=q0') + rule(fwdPort),
          '-netdev',
          'hubport,id=h1,hubid=0,netdev=q0',
        ],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 100 && !existsSync(sock); i++)
        await new Promise((r) => setTimeout(r, 20));
      theirs = new StreamNetBackend('q', { type: 'unix', path: sock }, false);
      await theirs.ready;
      const spec = parseNetdev(netdev + rule(0));
      if (spec.type !== 'user') throw new Error('user');
      ours = await UserNetBackend.open('u0', spec.config, { dnsUpstream: null });
      const [a, b] = [collect(ours), collect(theirs)];
      const clients: Socket[] = [];
      for (const [, f] of steps) {
        a.length = 0;
        b.length = 0;
        if (f === 'connect') {
          for (const port of [ours.hostfwdPorts[0], fwdPort]) {
            const c = connect(port, '127.0.0.1');
            c.on('error', () => {});
            clients.push(c);
          }
        } else {
          ours.send(f);
          theirs.send(f);
        }
        await new Promise((r) => setTimeout(r, 150));
        const m = f === 'connect' ? maskSyn : (h: string) => h;
        answers.push({ ours: hex(a).map(m), theirs: hex(b).map(m) });
      }
      for (const c of clients) c.destroy();
    }, 30_000);
    afterAll(async () => {
      await theirs?.close();
      await ours?.close();
      qemu?.kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    steps.forEach(([name], i) => {
      it(`${name}: same answer as QEMU`, () => {
        expect(answers[i].ours).toEqual(answers[i].theirs);
      });
    });

    it('QEMU answered every step not marked silent (the comparison is not vacuous)', () => {
      const silent = /no answer|ignored|dropped/;
      steps.forEach(([name], k) => {
        expect(answers[k].theirs.length > 0, name).toBe(!silent.test(name));
      });
    });
  });
}
