// Scaffolds boot: the helloworld and http apps run on the machine through the real rk bin, and an app
// that selects a scaffolded rkalloc component boots with it. The scaffolds live under
// tools/create-runikraft/.rk/ so that their @runikraft/* imports resolve from this package's
// node_modules, as they would from a user's after `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRk, rkBin } from '../../rk/test/helpers/rk-bin';
import { scaffold } from '../src/scaffold';
import { appTemplate, componentTemplate } from '../src/templates';

const work = join(__dirname, '..', '.rk', `boot-${process.pid}`);
mkdirSync(work, { recursive: true });
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  cleanupRk();
});

const rk = async (args: string[], cwd: string) =>
  spawnSync(process.execPath, [await rkBin(), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('scaffolds boot', () => {
  it('helloworld', async () => {
    const { dir } = scaffold(appTemplate('helloworld')!, join(work, 'hello'));
    const r = await rk(['run', '--clock', 'virtual', '-append', '-- a b'], dir);
    expect(r.stdout).toContain('app: hello 0.1.0\n');
    expect(r.stdout).toContain('Hello, world!\nArguments: a b\n');
    expect(r.status).toBe(0);
  });

  it('an app that selects a scaffolded rkalloc component', async () => {
    const comp = scaffold(componentTemplate('rkalloc')!, join(work, 'my-alloc'));
    const app = scaffold(appTemplate('helloworld')!, join(work, 'app'));
    mkdirSync(join(app.dir, 'node_modules'));
    symlinkSync(comp.dir, join(app.dir, 'node_modules', 'my-alloc'));
    const pkg = JSON.parse(readFileSync(join(app.dir, 'package.json'), 'utf8'));
    pkg.dependencies['my-alloc'] = 'file:../my-alloc';
    pkg.runikraft.select = { rkalloc: 'my-alloc' };
    writeFileSync(join(app.dir, 'package.json'), JSON.stringify(pkg));
    const r = await rk(['run', '--clock', 'virtual'], app.dir);
    expect(r.stdout).toMatch(/^libraries: .*\bmy-alloc@0\.1\.0\b/m);
    expect(r.stdout).not.toContain('rkalloc-tlsf@');
    expect(r.stdout).toContain('Hello, world!');
    expect(r.status, r.stderr).toBe(0);
  });

  it('http: serves a page through the forwarded port, then Ctrl-C powers off', async () => {
    const { dir } = scaffold(appTemplate('http')!, join(work, 'web'));
    const port = await freePort();
    const c = spawn(
      process.execPath,
      [
        await rkBin(),
        'run',
        '-netdev',
        `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${port}-:80`,
      ],
      { cwd: dir },
    );
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 600 && !out.includes('web: serving on'); i++) {
        if (c.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toContain('web: serving on http://localhost:8080/');
      const get = (path: string) =>
        spawnSync('curl', ['-s', '-w', ' %{http_code}', `http://127.0.0.1:${port}${path}`], {
          encoding: 'utf8',
          timeout: 10_000,
        }).stdout;
      expect(get('/')).toBe('Hello from web, a Runikraft unikernel!\n 200');
      expect(get('/nope')).toBe('no page at /nope\n 404');
      c.kill('SIGINT');
      expect(await exited, out).toBe(0);
    } finally {
      if (c.exitCode === null) c.kill('SIGKILL');
    }
  }, 120_000);
});
