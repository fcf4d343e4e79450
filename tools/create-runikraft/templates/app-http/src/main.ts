// __NAME__: an HTTP/1.1 server on rknet. Each connection gets its own thread, reads one request and
// answers it with a small page (or 404), then closes. The address comes from DHCP (user networking).
import type { RkMainArgs, RkParamSpecs, RkParamValues } from '@runikraft/rkboot';
import {
  AF_INET,
  formatIpv4,
  type RkSocket,
  SO_REUSEADDR,
  SOCK_STREAM,
  SOL_SOCKET,
} from '@runikraft/rknet';

const PORT = 80;

/**
 * The app's boot parameters (`__LIB__.url=...` before `--` in -append, or package.json's
 * runikraft.params). The guest cannot see which host port forwards to it: package.json sets `url`
 * next to the hostfwd rule, and whoever changes one changes the other.
 */
export const params = {
  url: {
    type: 'string',
    default: '',
    doc: "the address clients use (a forwarded host port), printed instead of the guest's own",
  },
} as const satisfies RkParamSpecs;

/** Reads until the end of the request head (an empty line). @returns the head, or null. */
async function readHead(s: RkSocket): Promise<string | null> {
  const buf = new Uint8Array(8192);
  let used = 0;
  while (used < buf.length) {
    const n = await s.recv(buf.subarray(used));
    if (n <= 0) return null;
    used += n;
    const text = new TextDecoder().decode(buf.subarray(0, used));
    if (text.includes('\r\n\r\n')) return text;
  }
  return null;
}

function response(status: string, body: string): Uint8Array {
  // TextEncoder exists once rkboot has booted, not while the image's modules load.
  const enc = new TextEncoder();
  return enc.encode(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${enc.encode(body).length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function serve(s: RkSocket): Promise<number> {
  const head = await readHead(s);
  if (head !== null) {
    const [method, path] = head.split(' ');
    const reply =
      method === 'GET' && path === '/'
        ? response('200 OK', 'Hello from __NAME__, a Runikraft unikernel!\n')
        : response('404 Not Found', `no page at ${path}\n`);
    await s.send(reply);
  }
  s.close();
  return 0;
}

export default async function main({ plat, registry, params: p }: RkMainArgs): Promise<number> {
  const say = (text: string) => plat.console.out(`${text}\n`);
  const net = registry.get('rknet');
  if ((await net.waitConfigured(15_000)) !== 0) {
    say('__NAME__: no address (DHCP got no lease in 15 s)');
    return 1;
  }
  const listener = net.socket(AF_INET, SOCK_STREAM);
  if (typeof listener === 'number') return 1;
  listener.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  if (listener.bind({ family: AF_INET, addr: 0, port: PORT }) < 0 || listener.listen(64) < 0) {
    say(`__NAME__: cannot listen on port ${PORT}`);
    return 1;
  }
  const url = (p as Partial<RkParamValues<typeof params>>).url;
  say(
    `__NAME__: serving on ${url || `http://${formatIpv4(net.iface.config?.addr ?? 0)}/`} (Ctrl-C stops)`,
  );
  const sched = registry.get('rksched');
  for (;;) {
    const c = await listener.accept();
    if (typeof c === 'number') return 1;
    sched.spawn('http-conn', () => serve(c), { detached: true });
  }
}
