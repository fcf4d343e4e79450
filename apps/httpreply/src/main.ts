// httpreply: an HTTP/1.1 server on rknet. Boot parameters (src/params.ts): `httpreply.port=<n>`
// (default 80) and `httpreply.url=<address clients use>` (printed instead of the guest's own address,
// for a forwarded port); `port=`/`url=` after `--` still override them. rknet takes the address from
// `netdev.ip=` on the command line, else DHCP.
// Serves the built-in 612-byte page, or the vfscore directory `httpreply.root=` names (src/static.ts),
// until the machine stops; a listener failure or a root that is no directory is exit status 1.
import type { RkMainArgs, RkParamValues } from '@runikraft/rkboot';
import { AF_INET, formatIpv4, SO_REUSEADDR, SOCK_STREAM, SOL_SOCKET } from '@runikraft/rknet';
import { createHttpServer } from './http/server';
import { builtinSite } from './http/site';
import { params } from './params';
import { type HttpServeStats, serveHttp } from './serve';
import { openStaticRoot } from './static';

export { params };

/** The app's arguments. */
export interface HttpreplyArgs {
  port: number;
  url: string | null;
}

/**
 * Parses the app arguments `port=<n>` and `url=<text>` over `base` (the boot parameters).
 * @returns them, or a message naming the bad argument.
 */
export function parseArgs(
  argv: readonly string[],
  base: HttpreplyArgs = { port: 80, url: null },
): HttpreplyArgs | string {
  const out: HttpreplyArgs = { ...base };
  for (const a of argv.slice(1)) {
    const m = /^port=(\d{1,5})$/.exec(a);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= 65535) out.port = Number(m[1]);
    else if (a.startsWith('url=') && a.length > 4) out.url = a.slice(4);
    else return `httpreply: unknown or bad argument '${a}' (accepted: port=<1..65535>, url=<text>)`;
  }
  return out;
}

export default async function main(args: RkMainArgs): Promise<number> {
  const say = (s: string) => args.plat.console.out(`${s}\n`);
  const p = args.params as Partial<RkParamValues<typeof params>>;
  const opts = parseArgs(args.argv, { port: p.port ?? 80, url: p.url || null });
  if (typeof opts === 'string') {
    say(opts);
    return 2;
  }
  const { port } = opts;
  const site = p.root ? await openStaticRoot(args.registry.get('vfscore'), p.root) : builtinSite();
  if (typeof site === 'string') {
    say(site);
    return 1;
  }
  const stack = args.registry.get('rknet');
  if ((await stack.waitConfigured(15_000)) < 0) {
    say('httpreply: no address: DHCP got no lease within 15 s');
    return 1;
  }
  const sched = args.registry.get('rksched');
  const listener = stack.socket(AF_INET, SOCK_STREAM);
  if (typeof listener === 'number') {
    say(`httpreply: socket: errno ${-listener}`);
    return 1;
  }
  listener.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  const r = listener.bind({ family: 2, addr: 0, port });
  const l = r < 0 ? r : listener.listen(1024);
  if (l < 0) {
    say(`httpreply: cannot listen on port ${port}: errno ${-l}`);
    return 1;
  }
  const wall = () => Number(args.plat.time.wallClockNs() / 1_000_000n) / 1000;
  const server = createHttpServer({ site, port, wallClock: wall });
  const addr = stack.iface.config?.addr ?? 0;
  say(
    `httpreply: serving on ${opts.url ?? `http://${formatIpv4(addr)}${port === 80 ? '' : `:${port}`}/`}`,
  );
  const stats: HttpServeStats = { accepted: 0, active: 0, requests: 0, aborted: 0 };
  const spawn = (name: string, fn: () => Promise<number>) => {
    sched.spawn(name, fn, { detached: true });
  };
  const end = await serveHttp(listener, server, spawn, stats);
  say(
    `httpreply: stopped (errno ${-end}) after ${stats.accepted} connections, ${stats.requests} requests`,
  );
  return 0;
}
