// kvstore: a Redis-protocol server on rknet. Boot parameter `kvstore.port=<n>` (default 6379,
// src/params.ts); `port=<n>` after `--` still overrides it. Keys and values live in the default allocator's heap, so `-m` bounds the data;
// a full heap answers OOM. Expired keys are also reaped by a background pass every 100 ms.
import type { RkMainArgs, RkParamValues } from '@runikraft/rkboot';
import { AF_INET, formatIpv4, SO_REUSEADDR, SOCK_STREAM, SOL_SOCKET } from '@runikraft/rknet';
import type { KvServerState } from './commands/context';
import { params } from './params';
import { serveKv } from './serve';
import { KvKeyspace } from './store/keyspace';

export { params };

/** Parses the app argument `port=<n>` over `base`. @returns the port, or a message naming the bad argument. */
export function parsePort(argv: readonly string[], base = 6379): number | string {
  let port = base;
  for (const a of argv.slice(1)) {
    const m = /^port=(\d{1,5})$/.exec(a);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= 65535) port = Number(m[1]);
    else return `kvstore: unknown or bad argument '${a}' (accepted: port=<1..65535>)`;
  }
  return port;
}

export default async function main(args: RkMainArgs): Promise<number> {
  const { registry, plat } = args;
  const say = (s: string) => plat.console.out(`${s}\n`);
  const port = parsePort(args.argv, (args.params as Partial<RkParamValues<typeof params>>).port);
  if (typeof port === 'string') {
    say(port);
    return 2;
  }
  const stack = registry.get('rknet');
  if ((await stack.waitConfigured(15_000)) < 0) {
    say('kvstore: no address: DHCP got no lease within 15 s');
    return 1;
  }
  const sched = registry.get('rksched');
  const alloc = registry.get('rkalloc').default;
  const nowMs = () => Number(plat.time.wallClockNs() / 1_000_000n);
  const db = new KvKeyspace(alloc, nowMs);
  const state: KvServerState = {
    startMs: nowMs(),
    port,
    connectedClients: 0,
    totalConnections: 0,
    totalCommands: 0,
    maxmemory: alloc.availmem(),
  };
  const listener = stack.socket(AF_INET, SOCK_STREAM);
  if (typeof listener === 'number') {
    say(`kvstore: socket: errno ${-listener}`);
    return 1;
  }
  listener.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  const r = listener.bind({ family: 2, addr: 0, port });
  const l = r < 0 ? r : listener.listen(1024);
  if (l < 0) {
    say(`kvstore: cannot listen on port ${port}: errno ${-l}`);
    return 1;
  }
  sched.spawn(
    'kv-expire',
    async () => {
      for (;;) {
        await sched.sleep(100e6);
        while (db.activeExpire(20) >= 5) {} // Redis's cycle: go on while a quarter of a sample expired
      }
    },
    { detached: true },
  );
  const spawn = (name: string, fn: () => Promise<number>) => {
    sched.spawn(name, fn, { detached: true });
  };
  say(
    `kvstore: ready on ${formatIpv4(stack.iface.config?.addr ?? 0)}:${port}, ${state.maxmemory} bytes of heap`,
  );
  const end = await serveKv(listener, db, state, spawn);
  say(`kvstore: stopped (errno ${-end}) after ${state.totalConnections} connections`);
  return 0;
}
