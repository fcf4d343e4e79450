// -netdev user holds the machine's virtual clock (the device's VirtioHost.hostWork) while the guest
// waits on host work it started: a host connect until the SYN-ACK goes out, a forwarded DNS query
// until its answer comes back, and never longer than a bound when the host service stays silent.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNetdev } from '../../src/machine/backends/net/args';
import { UserNetBackend } from '../../src/machine/backends/net/user/backend';
import { parseTcp, SYN } from '../../src/machine/backends/net/user/tcp-wire';
import { ETH_HLEN, IPPROTO_TCP, parseIp4 } from '../../src/machine/backends/net/user/wire';
import { DNS, dhcp, GUEST_MAC, GW, tcpSyn, udpFrame } from './guest-frames';

const open: UserNetBackend[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

/** A backend whose device end counts the clock holds it is asked for. */
async function held(dnsUpstream: { host: string; port: number } | null) {
  const cfg = parseNetdev('user,id=u');
  if (cfg.type !== 'user') throw new Error('not user');
  const b = await UserNetBackend.open('u', cfg.config, {
    dnsUpstream,
    allowOutbound: (h) => h === '127.0.0.1',
  });
  open.push(b);
  const frames: Uint8Array[] = [];
  const state = { holds: 0 };
  b.attach({
    receive: (f) => frames.push(Uint8Array.from(f)) > 0,
    hostWork: () => {
      state.holds++;
      let done = false;
      return () => {
        if (!done) state.holds--;
        done = true;
      };
    },
  });
  b.send(dhcp(3, GUEST_MAC)); // learns the guest's MAC
  return { b, frames, state };
}

const until = async (cond: () => boolean, ms = 3000) => {
  for (const t0 = Date.now(); !cond(); ) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('-netdev user holds the virtual clock for host work the guest waits on', () => {
  it('a connect to a host server: held from the guest SYN until the SYN-ACK; a refused one until the RST', async () => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as { port: number }).port;
    const { b, frames, state } = await held(null);
    frames.length = 0;
    b.send(tcpSyn(GW, 40001, port, 1000));
    expect(state.holds).toBe(1); // the connect has only started
    await until(() => frames.length > 0);
    const t = parseTcp(parseIp4(frames[0], ETH_HLEN)!)!;
    expect(t.flags & SYN).toBe(SYN);
    expect(state.holds).toBe(0);
    srv.close(); // stops listening at once (the first connection stays open)
    frames.length = 0;
    b.send(tcpSyn(GW, 40002, port, 5000)); // nobody listens now
    expect(state.holds).toBe(1);
    await until(() => frames.length > 0);
    expect(parseIp4(frames[0], ETH_HLEN)!.proto).toBe(IPPROTO_TCP);
    expect(state.holds).toBe(0);
  });

  it('a DNS query: held until the upstream answers, or for DNS_HOLD_MS when it never does', async () => {
    const up = createSocket('udp4');
    up.bind(0, '127.0.0.1');
    await once(up, 'listening');
    let answer = true;
    up.on('message', (m, r) => {
      if (answer) setTimeout(() => up.send(m, r.port, r.address), 50);
    });
    const { b, frames, state } = await held({ host: '127.0.0.1', port: up.address().port });
    frames.length = 0;
    const q = Buffer.from('beef0100000100000000000002726b047465737400000f0001', 'hex');
    b.send(udpFrame(0x0a00020f, 3333, DNS, 53, q));
    expect(state.holds).toBe(1);
    await until(() => frames.length > 0);
    expect(state.holds).toBe(0);
    answer = false;
    b.send(udpFrame(0x0a00020f, 3333, DNS, 53, q));
    expect(state.holds).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(state.holds).toBe(1);
    await until(() => state.holds === 0, 2000); // DNS_HOLD_MS (2 s) bounds it
    up.close();
  });
});
