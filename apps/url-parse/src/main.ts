// url-parse: each argument is "url" or "url base"; prints the parts the guest's URL gives, as JSON.
import type { RkMainArgs } from '@runikraft/rkboot';

/** The parts of `u`, as the host test compares them with Node's URL. */
function parts(u: URL) {
  return {
    href: u.href,
    origin: u.origin,
    protocol: u.protocol,
    username: u.username,
    password: u.password,
    host: u.host,
    hostname: u.hostname,
    port: u.port,
    pathname: u.pathname,
    search: u.search,
    hash: u.hash,
    params: [...u.searchParams],
  };
}

export default function main({ argv, plat }: RkMainArgs): number {
  for (const arg of argv.slice(1)) {
    const [input, base] = arg.split(' ');
    let line: unknown;
    try {
      line = parts(new URL(input, base));
    } catch (e) {
      line = { error: `${(e as Error).name}: ${(e as Error).message}` };
    }
    plat.console.out(`${JSON.stringify(line)}\n`);
  }
  const q = new URLSearchParams({ b: '2', a: '1 1' });
  q.sort();
  plat.console.out(`params: ${q}\n`);
  return 0;
}
