// httpreply serving a host directory: booted with `-virtfs local,path=TMP,mount_tag=share,
// security_model=none`, `vfs.fstab` mounting it on /share with 9pfs and `httpreply.root=/share`, behind
// `-netdev user,hostfwd=tcp:127.0.0.1:PORT-:80,restrict=on`. curl fetches every file and the SHA-256
// of what it got equals the host file's; status, Content-Type and Content-Length equal a real nginx's
// serving a copy of the same tree (GET and HEAD), 404/403/301/400 included; symbolic links (one
// pointing out of the share) are 403 (nginx's disable_symlinks on; nginx's default follows them).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImage, Machine, type MachineExit } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { freePort, nginxMissing, type RunningNginx, startNginx } from './support/nginx';
import { run } from './support/run';
import { userNetUnavailable } from './support/tap-guest';

const skip =
  userNetUnavailable() ??
  nginxMissing() ??
  (spawnSync('curl', ['--version']).error ? 'curl is not installed (apt-get install curl)' : null);
if (skip) console.log(`[skip] httpreply virtfs test: ${skip}`);

const MTIME = 1_700_000_000;
const FILES: Record<string, Uint8Array | string> = {
  'index.html': '<!DOCTYPE html><h1>share</h1>\n',
  'a.txt': 'hello from the share\n',
  'style.css': 'p { color: red }\n',
  'data.json': '{"a":1}',
  'empty.txt': '',
  'x.unknownext': 'x',
  'big.bin': Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 2654435761) >>> 24),
  'sub/index.html': 'sub\n',
  'sub/é.txt': 'accent\n',
  'sub/deep/page.htm': '<p>deep</p>',
};
const PATHS = [
  '/',
  '/index.html',
  '/a.txt',
  '/style.css',
  '/data.json',
  '/empty.txt',
  '/x.unknownext',
  '/big.bin',
  '/sub',
  '/sub/',
  '/sub/%C3%A9.txt',
  '/sub/deep/page.htm',
  '/sub/deep/',
  '/noindex/',
  '/nothing',
  '/a.txt/',
  '/../a.txt',
  '/%2e%2e/a.txt',
  '/sub/%2e%2e/a.txt',
  '/sub/../../etc/passwd',
];

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(skip !== null)(
  'httpreply.root on a 9P share (-virtfs, vfs.fstab), curl over -netdev user',
  () => {
    let dir: string;
    let out = '';
    let stop: () => Promise<MachineExit>;
    let url: string;
    let nginx: RunningNginx;

    beforeAll(async () => {
      const image = loadImage(
        (await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath,
      );
      dir = mkdtempSync(join(tmpdir(), 'rk-httpreply-share-'));
      for (const [p, data] of Object.entries(FILES)) {
        mkdirSync(join(dir, p, '..'), { recursive: true });
        writeFileSync(join(dir, p), data);
      }
      mkdirSync(join(dir, 'noindex'));
      symlinkSync('a.txt', join(dir, 'alias.txt'));
      symlinkSync('/etc/passwd', join(dir, 'passwd'));
      nginx = await startNginx(FILES, MTIME);
      mkdirSync(join(nginx.root, 'noindex'));
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const plan = await createVirtioDevicesFromArgs({
        netdev: [`user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:80,restrict=on`],
        device: ['virtio-net-device,netdev=n0'],
        virtfs: [`local,path=${dir},mount_tag=share,security_model=none`],
      });
      const m = new Machine({
        console: (t) => (out += t),
        clock: 'host',
        memory: 128 << 20,
        append: 'vfs.fstab=share:/share:9pfs:0:cache=loose:mkmp httpreply.root=/share',
      });
      for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
      const exit = m.boot(image);
      stop = async () => {
        if (!m.exit) m.powerOff(0);
        const e = await exit;
        await plan.close();
        return e;
      };
      for (let i = 0; !/httpreply: serving on /.test(out); i++) {
        if (m.exit || i > 300) throw new Error(`httpreply not serving within 30 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }, 120_000);

    afterAll(async () => {
      const exit = await stop?.();
      await nginx?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (exit) expect(exit.status, out).toBe(0);
    });

    /** curl's view of one GET or HEAD: status, type, length header, and the body's SHA-256. */
    async function fetch(base: string, path: string, head = false) {
      const file = join(dir, '..', `${dir.split('/').pop()}-body`);
      const r = await run('curl', [
        '-s',
        '--path-as-is',
        ...(head ? ['-I'] : []),
        '-o',
        file,
        '-w',
        '%{http_code} %{content_type} %header{content-length}',
        `${base}${path}`,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const body = readFileSync(file);
      rmSync(file);
      return { line: r.stdout, sha: head ? '' : sha(body) };
    }

    it('every file comes back byte for byte (SHA-256 of the host file)', async () => {
      for (const [p, data] of Object.entries(FILES)) {
        const path = `/${p.split('/').map(encodeURIComponent).join('/')}`;
        const got = await fetch(url, path);
        const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
        expect(got.sha, p).toBe(sha(bytes));
        expect(got.line.split(' ')[0], p).toBe('200');
        expect(got.line.split(' ')[2], p).toBe(String(bytes.length));
      }
    });

    it('status, Content-Type and Content-Length as nginx for GET and HEAD', async () => {
      for (const head of [false, true])
        for (const p of PATHS) {
          const ours = await fetch(url, p, head);
          const theirs = await fetch(`http://127.0.0.1:${nginx.port}`, p, head);
          // error pages name the server (nginx / httpreply): their bodies and lengths differ by design
          const status = theirs.line.split(' ')[0];
          if (status === '200') expect(ours, `${head ? 'HEAD' : 'GET'} ${p}`).toEqual(theirs);
          else expect(ours.line.split(' ')[0], `${head ? 'HEAD' : 'GET'} ${p}`).toBe(status);
        }
    }, 60_000);

    it('symbolic links are 403, also one pointing out of the share', async () => {
      expect((await fetch(url, '/alias.txt')).line.split(' ')[0]).toBe('403');
      const p = await fetch(url, '/passwd');
      expect(p.line.split(' ')[0]).toBe('403');
    });
  },
);
