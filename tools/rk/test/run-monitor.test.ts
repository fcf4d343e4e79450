// `rk run`'s monitor and console backends end to end, the real bin in a child process driven over
// pipes: the -nographic mux (Ctrl-A c between the UART and the HMP monitor), -monitor stdio with
// -no-shutdown (a guest power-off still exits with its status, as in QEMU 7.2), -serial file:/-chardev
// file, -serial pipe: over real FIFOs, and the precise errors.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRk, fixtureApp, machineExists, repoRoot, rk, rkBin } from './helpers/rk-bin';

let app = '';
const dir = mkdtempSync(join(tmpdir(), 'rk-monitor-'));
beforeAll(async () => {
  if (!machineExists) return;
  app = fixtureApp('monitor');
  const b = await rk(['build', '-q', app]);
  expect(b.status, b.stderr).toBe(0);
}, 120_000);
afterAll(() => {
  cleanupRk();
  rmSync(dir, { recursive: true, force: true });
});

/** A running `rk run`: what it printed so far, a way to type, to wait for text, and its exit. */
async function start(args: string[]) {
  const child = spawn(process.execPath, [await rkBin(), 'run', app, ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const s = {
    out: '',
    err: '',
    exit: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))),
    type: (text: string) => child.stdin.write(text),
    /** Resolves once stdout (from `from` on) matches `re`; fails after 20 s with what came. */
    waitFor(re: RegExp, from = 0): Promise<string> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(s.out.slice(from));
          if (!m) return false;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(m[0]);
          return true;
        };
        const timer = setTimeout(() => {
          child.stdout.off('data', check);
          child.kill();
          reject(
            new Error(
              `timed out waiting for ${re}; stdout: ${JSON.stringify(s.out)} stderr: ${s.err}`,
            ),
          );
        }, 20_000);
        child.stdout.on('data', check);
        check();
      });
    },
  };
  child.stdout.on('data', (d: Buffer) => {
    s.out += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    s.err += d.toString('utf8');
  });
  return s;
}

describe.skipIf(!machineExists)('rk run: monitor and serial backends', () => {
  it('muxes the HMP monitor into the default console: Ctrl-A c switches, keys go to the focused side', async () => {
    const r = await start(['-name', 'box']);
    await r.waitFor(/ready\n/);
    r.type('hi\n');
    await r.waitFor(/got hi\n/);
    r.type('\x01h');
    await r.waitFor(/C-a c {4}switch between console and monitor\r\n/);
    const at = r.out.length;
    r.type('\x01c');
    await r.waitFor(/monitor .*type 'help' for more information\r\n\(qemu\) $/, at);
    r.type('info status\n');
    await r.waitFor(/VM status: running\r\n\(qemu\) $/, at);
    r.type('info name\nnosuch\n');
    await r.waitFor(/box\r\n\(qemu\) nosuch\r\nunknown command: 'nosuch'\r\n\(qemu\) $/, at);
    // typed while the monitor had the keyboard: the guest never saw it
    expect(r.out).not.toContain('got info');
    r.type('\x01c');
    r.type('there\n');
    await r.waitFor(/got there\n/, at);
    r.type('\x01c');
    await r.waitFor(/\r\n\(qemu\) $/, r.out.length - 10);
    r.type('stop\ninfo status\n');
    await r.waitFor(/VM status: paused\r\n/, at);
    r.type('cont\n\x01cbye\n');
    expect(await r.exit).toBe(0);
  });

  it('-monitor stdio -serial file: -no-shutdown: a guest power-off still exits with its status, as QEMU 7.2', async () => {
    const log = join(dir, 'uart.txt');
    const r = await start([
      '-monitor',
      'stdio',
      '-serial',
      `file:${log}`,
      '-no-shutdown',
      '-append',
      '-- exit=5',
    ]);
    // main returns 5 at once: the finisher's FAIL exits even under -no-shutdown (sifive_test's exit())
    expect(await r.exit).toBe(5);
    expect(r.out).toMatch(/^QEMU 7\.2 monitor .*\r\n\(qemu\) /);
    expect(readFileSync(log, 'utf8')).toBe('exiting with 5\n');
  });

  it('-serial file:PATH and -chardev file write the UART to the file, not to stdout', async () => {
    for (const args of [
      (f: string) => ['-serial', `file:${f}`],
      (f: string) => ['-chardev', `file,id=f0,path=${f}`, '-serial', 'chardev:f0'],
    ]) {
      const f = join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
      const r = await rk(['run', app, '-monitor', 'none', ...args(f), '-append', '-- exit=3']);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stdout).toBe('');
      expect(readFileSync(f, 'utf8')).toBe('exiting with 3\n');
    }
  });

  it('-serial pipe:PATH talks through real FIFOs: output to PATH.out, input from PATH.in', async () => {
    const p = join(dir, 'uart');
    expect(spawnSync('mkfifo', [`${p}.in`, `${p}.out`]).status).toBe(0);
    const r = await start(['-monitor', 'none', '-serial', `pipe:${p}`]);
    // rk holds both FIFOs open read-write (as QEMU), so these opens do not wait for a peer
    const out = createReadStream(`${p}.out`);
    let text = '';
    const ended = new Promise<void>((resolve) => out.on('close', resolve));
    const waiters: (() => void)[] = [];
    out.on('data', (d: string | Buffer) => {
      text += d.toString('utf8');
      for (const w of waiters.splice(0)) w();
    });
    const got = async (s: string) => {
      const until = Date.now() + 20_000;
      while (!text.includes(s)) {
        if (Date.now() > until)
          throw new Error(`no ${JSON.stringify(s)} in ${JSON.stringify(text)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 500);
        });
      }
    };
    await got('ready\n');
    writeFileSync(`${p}.in`, 'hi\n');
    await got('got hi\n');
    writeFileSync(`${p}.in`, 'bye\n');
    expect(await r.exit).toBe(0);
    await ended; // the last writer (rk) is gone: end of file
    expect(text).toBe('ready\ngot hi\n');
    expect(r.out).not.toContain('ready'); // nothing of the UART on stdout
  });

  it("-chardev pipe with PATH alone (no PATH.in/.out) uses PATH both ways; an unopenable path is QEMU's error", async () => {
    const f = join(dir, 'single');
    writeFileSync(f, '');
    const r = await rk([
      'run',
      app,
      '-monitor',
      'none',
      '-chardev',
      `pipe,id=p0,path=${f}`,
      '-serial',
      'chardev:p0',
      '-append',
      '-- exit=3',
    ]);
    expect(r.status, r.stderr).toBe(3);
    expect(readFileSync(f, 'utf8')).toBe('exiting with 3\n');
    const bad = await rk(['run', app, '-serial', 'pipe:/nonexistent-dir/p']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      "rk run: -serial pipe:/nonexistent-dir/p: Could not open '/nonexistent-dir/p': No such file or directory",
    );
  });

  it('names the option for an unwritable serial file, a log file, and stdio taken twice', async () => {
    const bad = await rk(['run', app, '-serial', 'file:/nonexistent-dir/uart.txt']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      "rk run: -serial file:/nonexistent-dir/uart.txt: Could not open '/nonexistent-dir/uart.txt': No such file or directory",
    );
    const chr = await rk(['run', app, '-chardev', 'file,id=f', '-serial', 'chardev:f']);
    expect(chr.stderr).toContain('rk run: -chardev file,id=f: chardev: file: no filename given');
    const twice = await rk(['run', app, '-monitor', 'stdio']);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(
      /^rk run: -monitor stdio: cannot use stdio by multiple character devices/,
    );
    const log = await rk(['run', app, '-d', 'guest_errors', '-D', '/nonexistent-dir/log']);
    expect(log.stderr).toContain(
      'rk run: -D /nonexistent-dir/log: Error opening logfile /nonexistent-dir/log: No such file or directory',
    );
  });
});
