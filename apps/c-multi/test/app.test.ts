// apps/c-multi: two C programs in one image (runikraft.programs), started by libc.start as
// threads of the unikernel: c-httpd's server and fetch, a client that reaches it over rknet's
// loopback by name and service ("http://localhost/" → getaddrinfo → 127.0.0.1, port 80). Booted on
// the in-process machine with virtio-net on `-netdev user,restrict=on` (rknet needs a NIC to come
// up; the traffic between the programs never leaves the guest), and once with a host port
// forwarded so that the host's curl reaches the same server while fetch runs.
import { fileURLToPath } from 'node:url';
import {
  createNetBackend,
  type GuestImage,
  loadImage,
  Machine,
  parseMac,
  parseNetdev,
  VirtioNet,
} from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../httpreply/test/support/nginx';
import { run } from '../../httpreply/test/support/run';
import { userNetUnavailable } from '../../httpreply/test/support/tap-guest';

const skip = userNetUnavailable();
if (skip) console.log(`[skip] c-multi: ${skip}`);

const NET = 'rkboot.banner=off netdev.ip=10.0.2.15/24:10.0.2.2';
let image: GuestImage;

/** FNV-1a of the bytes, as fetch prints it. */
function fnv(b: Uint8Array): string {
  let h = 2166136261;
  for (const x of b) h = Math.imul(h ^ x, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Boots the image on `-netdev <spec>`; `during` runs while it is up (the console so far, and a stop). */
async function boot(
  append: string,
  spec = 'user,id=n0,restrict=on',
  during?: (out: () => string, stop: () => void) => Promise<void>,
) {
  const backend = await createNetBackend(parseNetdev(spec));
  let out = '';
  const m = new Machine({ console: (t) => (out += t), clock: 'host', memory: 128 << 20, append });
  m.plugVirtio(new VirtioNet(backend, { mac: parseMac('52:54:00:12:34:56') }));
  const exited = m.boot(image);
  const bound = setTimeout(() => m.exit || m.powerOff(99), 60_000);
  try {
    if (during)
      await during(
        () => out,
        () => m.exit || m.powerOff(0),
      );
    const exit = await exited;
    return { exit, out };
  } finally {
    clearTimeout(bound);
    await backend.close();
  }
}

const fetchLines = (out: string) => out.match(/^fetch: .*$/gm) ?? [];

describe.skipIf(skip !== null)('c-multi: a server and a client in one image', () => {
  beforeAll(async () => {
    image = loadImage((await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath);
  }, 300_000);

  it("package.json's libc.start: httpd in the background, fetch three times by name and service", async () => {
    const { exit, out } = await boot(NET);
    expect(out).toContain('c-httpd: serving on port 80\n');
    const lines = fetchLines(out);
    expect(lines).toHaveLength(3);
    for (const l of lines)
      expect(l).toMatch(
        /^fetch: http:\/\/localhost\/ 200, 612 body bytes, fnv [0-9a-f]{8}, \d+ connect attempts?$/,
      );
    // the server started first in the list, the client after it: the client's lines follow.
    expect(out.indexOf('c-httpd: serving')).toBeLessThan(out.indexOf('fetch: '));
    expect(exit.status).toBe(0);
  }, 120_000);

  it('the host and the guest client reach the same server at once; a list of background programs keeps the image up', async () => {
    const port = await freePort();
    const spec = `user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:8080,restrict=on`;
    const start = 'libc.start="httpd 8080 & fetch -n 20 http://127.0.0.1:http-alt/ &"';
    let host = new Uint8Array();
    const { out } = await boot(`${NET} ${start}`, spec, async (out, stop) => {
      for (let i = 0; i < 300 && !out().includes('c-httpd: serving on port 8080'); i++)
        await new Promise((r) => setTimeout(r, 100));
      const r = await run('curl', ['-s', '--max-time', '10', `http://127.0.0.1:${port}/`]);
      host = new TextEncoder().encode(r.stdout);
      // every command of the list ends in &: the main waits for all of them, so the server keeps
      // serving after fetch has finished, until the machine is stopped.
      for (let i = 0; i < 300 && fetchLines(out()).length < 20; i++)
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300));
      const again = await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `http://127.0.0.1:${port}/x`,
      ]);
      expect(again.stdout).toBe('404');
      stop();
    });
    expect(host.length).toBe(612);
    const lines = fetchLines(out);
    expect(lines).toHaveLength(20);
    for (const l of lines)
      expect(l).toContain(
        `fetch: http://127.0.0.1:http-alt/ 200, 612 body bytes, fnv ${fnv(host)}, `,
      );
  }, 120_000);

  it('; waits: the status is the last command’s (a 404 is fetch’s 22); a program started next to another has its own descriptors', async () => {
    const start =
      'libc.start="httpd 8080 & fetch -o /page.html http://127.0.0.1:8080/ ; fetch http://localhost:webcache/nope"';
    const { exit, out } = await boot(`${NET} ${start}`);
    expect(fetchLines(out)).toEqual([
      expect.stringMatching(/^fetch: http:\/\/127\.0\.0\.1:8080\/ 200, 612 body bytes, /),
      // written and read back through its own preopened "/" (fd 3 in its own table, while the
      // server's process holds fd 3 of its own)
      'fetch: saved /page.html (612 bytes)',
      expect.stringMatching(/^fetch: http:\/\/localhost:webcache\/nope 404, /),
    ]);
    expect(exit.status).toBe(22);
  }, 120_000);

  it('one program by name after --; no server: connection refused (7); unknown service (2)', async () => {
    const refused = await boot(`${NET} -- fetch http://127.0.0.1:9/`);
    expect(refused.out).toContain('fetch: connect to 127.0.0.1:9: Connection refused\n');
    expect(refused.out).not.toContain('c-httpd');
    expect(refused.exit.status).toBe(7);
    const unknown = await boot(`${NET} -- fetch http://localhost:gopherr/`);
    expect(unknown.out).toContain('fetch: localhost:gopherr: Unrecognized service\n');
    expect(unknown.exit.status).toBe(2);
  }, 120_000);

  it('a name no program has is 127 before anything starts; a bad list names the offset', async () => {
    const r = await boot(`${NET} libc.start="httpd & fetc x"`);
    expect(r.out).toContain("libc-shim: 'fetc': no such program (the image has: httpd, fetch)\n");
    expect(r.out).not.toContain('c-httpd: serving');
    expect(r.exit.status).toBe(127);
    const bad = await boot(`${NET} libc.start="httpd && fetch x"`);
    expect(bad.out).toContain(
      "libc-shim: libc.start: command list: no command before '&' at offset 7 ('&&' is not supported: use ';')\n",
    );
    expect(bad.exit.status).toBe(2);
  }, 120_000);

  it('a TypeScript main starts programs by name: a server and three concurrent instances of one client', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/ts-main', import.meta.url));
    const own = image;
    image = loadImage((await buildImage(fixture)).imagePath);
    try {
      const { exit, out } = await boot('rkboot.banner=off netdev.ip=10.0.2.15/24:10.0.2.2');
      expect(out).toContain('main: programs httpd, fetch\n');
      expect(out).toMatch(/^main: threads httpd#\d+ fetch-0#\d+ fetch-1#\d+ fetch-2#\d+$/m);
      expect(out).toContain('c-httpd: serving on port 8081\n');
      // three instances of one program, each with its own memory and descriptors, at once
      expect(fetchLines(out).sort()).toEqual([
        expect.stringMatching(/^fetch: http:\/\/127\.0\.0\.1:8081\/ 200, 612 body bytes/),
        expect.stringMatching(/^fetch: http:\/\/127\.0\.0\.1:8081\/ 200, 612 body bytes/),
        expect.stringMatching(/^fetch: http:\/\/127\.0\.0\.1:8081\/missing 404, /),
        'fetch: saved /c0.html (612 bytes)',
        'fetch: saved /c1.html (49 bytes)',
        'fetch: saved /c2.html (612 bytes)',
      ]);
      expect(out).toContain('main: clients exited 0 22 0\n');
      // each instance wrote its own file through its own descriptors, all at once
      expect(out).toContain('main: files /c0.html 612, /c1.html 49, /c2.html 612\n');
      expect(out).toContain(
        "main: spawn nope: ENOENT: no program named 'nope' (the image has: httpd, fetch)\n",
      );
      expect(exit.status).toBe(22);
    } finally {
      image = own;
    }
  }, 300_000);
});
