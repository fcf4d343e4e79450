// Every std::net call of Runikraft's Rust std (tools/rk/rust/wasi-net.rs) in one unmodified program
// (test/programs/std-net.rs), run by libc-shim over a whole rknet stack on a loopback device
// (libc-shim's in-process net kernel), under both suspension mechanisms. The output is compared
// whole: errors must be the io::ErrorKind Linux gives (AddrInUse, ConnectionRefused, WouldBlock on a
// read timeout, TimedOut for connect_timeout to an address nobody answers, InvalidInput), and the
// calls std's unix sockets support must work.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasJspi, runWasi } from '@runikraft/libc-shim';
import { buildWasmBoth } from '@runikraft/rk';
import { describe, expect, it } from 'vitest';
import { netKernel } from '../../../packages/libc-shim/test/net-kernel';

const jspi = hasJspi();
const SRC = fileURLToPath(new URL('programs/std-net.rs', import.meta.url));

const EXPECTED = `bind Ok(127.0.0.1:7070)
bind again Err(AddrInUse)
connect to a closed port Err(ConnectionRefused)
accept: peer is the client true
peer_addr Ok(127.0.0.1:7070)
nodelay Ok(true)
peek Ok("ping")
read "ping"
try_clone writes "pong"
read timeout Ok(Some(50ms)): Err(WouldBlock)
zero timeout Err(InvalidInput)
no timeout Ok(None)
nonblocking read Err(WouldBlock)
eof after shutdown Ok(0)
take_error Ok(true)
ipv6 Err("Address family not supported by protocol (os error 5)")
connect_timeout to a closed port Err(ConnectionRefused)
connect_timeout to a silent host Err(TimedOut)
connect_timeout zero Err(InvalidInput)
udp ephemeral port true
send_to Ok(8)
peek_from Ok((8, true))
recv_from "datagram" from the sender true
udp peer_addr Ok(true)
connected send/recv "back"
broadcast Ok(true)
udp read timeout Err(WouldBlock)
ttl Err(Unsupported)
lookup localhost:80 [127.0.0.1:80]
lookup literal Ok([10.1.2.3:5])
lookup bad port Err(InvalidInput)
lookup nul Err(InvalidInput)
`;

describe('std::net in a Rust program over rknet (in process)', () => {
  for (const suspend of ['asyncify', 'jspi'] as const)
    it.skipIf(suspend === 'jspi' && !jspi)(
      suspend,
      async () => {
        const built = buildWasmBoth({ sources: [SRC] });
        const wasm = readFileSync(suspend === 'jspi' ? built.plain : built.asyncified);
        const { k, out, sched, stack } = await netKernel();
        let status = -1;
        await sched.runMain(async () => {
          status = (await runWasi(k, wasm, { args: ['std-net'], suspend })).status;
          return 0;
        });
        stack.stop();
        expect(await out()).toBe(EXPECTED);
        expect(status).toBe(0);
      },
      300_000,
    );
});
