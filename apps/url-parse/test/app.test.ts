// url-parse boots with URLs as arguments; the guest's URL (rkurl, installed in the guest realm) must
// give what Node's URL gives on the host.
import { fileURLToPath } from 'node:url';
import { loadImage, Machine } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';

type Entry = Parameters<Machine['boot']>[0];
const appDir = fileURLToPath(new URL('..', import.meta.url));
let image: Entry;

beforeAll(async () => {
  image = loadImage((await buildImage(appDir)).imagePath);
}, 120_000);

const INPUTS = [
  'https://user:pa%20ss@example.com:8443/a/./b/../c?x=1&y=%C3%A9#frag',
  'http://0x7f.1/',
  'http://[::ffff:192.168.0.1]:80/',
  'http://münchen.de/straße',
  'file:///C:/dir/../x.txt',
  '../up?q base-http://h/a/b/c',
  'mailto:someone@example.org',
  'http://a b/',
];

function hostParts(arg: string) {
  const [input, base] = arg.replace('base-', '').split(' ');
  try {
    const u = new URL(input, base);
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
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

describe('url-parse', () => {
  it("the booted image's URL and URLSearchParams give what Node's give", async () => {
    let out = '';
    const args = INPUTS.map((a) => `"${a.replace('base-', '')}"`).join(' ');
    const exit = await new Machine({
      bios: 'none',
      clock: 'virtual',
      memory: 64 << 20,
      console: (t) => (out += t),
      append: `rkboot.banner=off -- ${args}`,
    }).boot(image);
    expect(exit).toEqual({ status: 0, reason: 'poweroff' });
    const lines = out.trim().split('\n');
    const got = lines.slice(0, INPUTS.length).map((l) => JSON.parse(l));
    const want = INPUTS.map(hostParts);
    // Node's message is "Invalid URL"; the guest's names the input too. Same error type, same verdict.
    for (const [i, w] of want.entries())
      if ('error' in w) expect(got[i].error).toMatch(/^TypeError: Invalid URL/);
      else expect(got[i]).toEqual(w);
    expect(lines[INPUTS.length]).toBe(`params: ${new URLSearchParams('a=1+1&b=2')}`);
  });
});
