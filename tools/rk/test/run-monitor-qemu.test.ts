// `rk run`'s monitor and `-d guest_errors` against real qemu-system-riscv64 (7.2): the same command
// lines, `info mtree` and `info qtree` typed into both monitors, and qtest accesses the devices reject
// logged by both. Known differences are named where they are filtered: QEMU's platform bus (not
// modelled), and the properties the model does not print. Skips, saying why, without QEMU.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRk, fixtureApp, machineExists, repoRoot, rk, rkBin } from './helpers/rk-bin';

const ready =
  machineExists && spawnSync('sh', ['-c', 'command -v qemu-system-riscv64']).status === 0;
if (!ready) console.log('run-monitor-qemu: skipped: needs qemu-system-riscv64');
const dir = mkdtempSync(join(tmpdir(), 'rk-monitor-qemu-'));
let app = '';
beforeAll(async () => {
  if (!ready) return;
  app = fixtureApp('monitor');
  expect((await rk(['build', '-q', app])).status).toBe(0);
}, 120_000);
afterAll(() => {
  cleanupRk();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What a monitor printed for each command, keyed by command. QEMU's readline redraws the line as it
 * echoes (ESC [K / ESC [D); the model echoes plainly. Both are cut at the prompts.
 */
function answers(out: string): Map<string, string> {
  const m = new Map<string, string>();
  const parts = out.replace(/\r/g, '').split('(qemu) ').slice(1);
  for (const p of parts) {
    const nl = p.indexOf('\n');
    if (nl < 0) continue;
    const echo = p.slice(0, nl).split('\x1b[K').filter(Boolean).at(-1) ?? '';
    m.set(echo.split('\x1b[D').join(''), p.slice(nl + 1));
  }
  return m;
}

const ARGS = [
  '-m',
  '64M',
  '-smp',
  '2',
  '-machine',
  'virt,aclint=on',
  '-drive',
  `file=${join(dir, 'disk.img')},if=none,format=raw,id=d0`,
  '-device',
  'virtio-blk-device,drive=d0',
  '-device',
  'virtio-rng-device',
  '-device',
  'virtio-rng-pci',
];

async function both(
  commands: string[],
): Promise<{ qemu: Map<string, string>; ours: Map<string, string> }> {
  spawnSync('truncate', ['-s', '1M', join(dir, 'disk.img')]);
  const input = `${commands.join('\n')}\nquit\n`;
  const q = await typed(
    'qemu-system-riscv64',
    ['-M', 'virt', '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-S', ...ARGS],
    commands,
  );
  expect(q.status, q.stderr).toBe(0);
  const r = await rk(['run', app, '-serial', 'none', '-monitor', 'stdio', ...ARGS], { input });
  expect(r.status, r.stderr).toBe(0);
  return { qemu: answers(q.stdout), ours: answers(r.stdout) };
}

/**
 * Types `commands` into a monitor on stdio one at a time, each after the prompt that ends the
 * previous answer, then `quit`. QEMU's stdio chardev holds output the pipe cannot take yet and a
 * `quit` typed ahead exits before it is written: under load the tail of a long `info qtree` was lost.
 */
function typed(
  cmd: string,
  args: string[],
  commands: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const queue = [...commands, 'quit'];
    let prompts = 0;
    const bound = setTimeout(() => c.kill('SIGKILL'), 20_000);
    c.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const seen = stdout.split('(qemu) ').length - 1;
      while (prompts < seen && queue.length > 0) {
        prompts++;
        c.stdin.write(`${queue.shift()}\n`);
      }
    });
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    c.on('close', (status) => {
      clearTimeout(bound);
      done({ status, stdout, stderr });
    });
  });
}

/** A qtree as device blocks: the `dev:` line with its indented property lines. */
function blocks(tree: string): { head: string; lines: string[] }[] {
  const out: { head: string; lines: string[] }[] = [];
  for (const line of tree.split('\n')) {
    if (/^\s*(dev:|bus:|type )/.test(line)) out.push({ head: line, lines: [] });
    else if (line.trim() && out.length) out.at(-1)?.lines.push(line);
  }
  return out;
}

describe.skipIf(!ready)('the monitor answers as QEMU 7.2 does', () => {
  it("info mtree: the same system address space (QEMU's platform bus aside)", async () => {
    const { qemu, ours } = await both(['info mtree']);
    const memory = (t: string) => /address-space: memory\n([\s\S]*?)\n\n/.exec(t)?.[1] ?? '(none)';
    const q = memory(qemu.get('info mtree') ?? '')
      .split('\n')
      .filter((l) => !l.endsWith('): platform bus'));
    expect(memory(ours.get('info mtree') ?? '').split('\n')).toEqual(q);
  });

  it('info qtree: the same devices and buses in the same order, each printed property as QEMU prints it', async () => {
    const { qemu, ours } = await both(['info qtree']);
    // QEMU's platform bus is not modelled; the rest must line up.
    const q = blocks(qemu.get('info qtree') ?? '').filter(
      (b) => !b.head.includes('platform-bus-device'),
    );
    const o = blocks(ours.get('info qtree') ?? '');
    expect(o.map((b) => b.head)).toEqual(q.map((b) => b.head));
    for (const [i, b] of o.entries())
      for (const line of b.lines) expect(q[i].lines, `${b.head}: ${line}`).toContain(line);
  });

  it('status, name and unknown commands', async () => {
    const { qemu, ours } = await both(['info status', 'stop', 'info status', 'frob', 'info frob']);
    for (const c of ['stop', 'frob', 'info frob']) expect(ours.get(c), c).toBe(qemu.get(c));
    // QEMU held by -S stays "paused (prelaunch)"; the model boots the image at once, then stops.
    expect(ours.get('info status')).toBe('VM status: paused\n'); // the answer after stop
    expect(qemu.get('info status')).toBe('VM status: paused (prelaunch)\n');
  });
});

describe.skipIf(!ready)('-d guest_errors logs what QEMU 7.2 logs', () => {
  it('for rejected accesses to the PLIC, RTC, finisher and unassigned addresses (qtest)', async () => {
    const script = [
      'writel 0xc000200 0x1',
      'readl 0xc000200',
      'writel 0xc200008 0x5',
      'readl 0xc200008',
      'writel 0xc002100 0x1',
      'readl 0x101014',
      'writel 0x101020 0x1',
      'readl 0x101030',
      'writel 0x100000 0x1234',
      'writel 0x100004 0x5555',
      'writeb 0x100000 0x1',
      'readb 0x100000',
      'writel 0x10001ffc 0x1',
      'readq 0x9000000',
      'writel 0x100000 0x5555', // PASS: both exit
    ];
    const input = `${script.join('\n')}\n`;
    const base = ['-display', 'none', '-serial', 'none', '-monitor', 'none', '-d', 'guest_errors'];
    const qlog = join(dir, 'qemu.log');
    const q = spawnSync(
      'qemu-system-riscv64',
      ['-M', 'virt', ...base, '-D', qlog, '-qtest', 'stdio', '-S'],
      { input, encoding: 'utf8', timeout: 20_000 },
    );
    const olog = join(dir, 'rk.log');
    const r = await rk(['run', '-M', 'virt', ...base, '-D', olog, '--qtest', 'stdio', '-S'], {
      input,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(q.stdout.split('\n').length).toBe(script.length); // no answer to the PASS
    const lines = (f: string) => readFileSync(f, 'utf8').trimEnd().split('\n');
    expect(lines(olog)).toEqual(lines(qlog));
    expect(lines(olog).length).toBe(15);
  });

  it('nothing without -d; -d help lists the items', async () => {
    const r = await rk(
      ['run', '-M', 'virt', '--qtest', 'stdio', '-S', '-D', join(dir, 'none.log')],
      {
        input: 'writel 0xc000200 0x1\n',
      },
    );
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'none.log'), 'utf8')).toBe('');
    const h = await rk(['run', '-d', 'help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toBe(
      'Log items (comma separated):\nunimp           log unimplemented functionality\nguest_errors    log when the guest OS does something invalid (eg accessing a\nnon-existent register)\n',
    );
  });
});

/**
 * Bare S-mode payloads OpenSBI starts at 0x80200000 (`-kernel` takes a raw binary), assembled with
 * clang --target=riscv64 from: `li a7, SRST; li a6, 0; li a0, TYPE; li a1, 0; ecall; 1: j 1b` (TYPE 0
 * shutdown, 1 cold reboot), and `li t0, 0x100000; li t1, (5 << 16) | FINISHER_FAIL; sw t1, 0(t0); 1: j 1b`.
 */
const PAYLOADS = {
  'srst-shutdown': 'b75852539b8848350148014581457300000001a0',
  'srst-reboot': 'b75852539b8848350148054581457300000001a0',
  'finisher-fail-5': 'b7021000373305001b03333323a0620001a0',
};

/**
 * Runs `cmd` with the monitor on stdio; types `info status` every 200 ms until the VM reports
 * `paused (shutdown)` (then `quit`) or the process ends by itself. @returns its status, and whether
 * the monitor showed the paused state.
 */
function runUntilPaused(
  cmd: string,
  args: string[],
): Promise<{ status: number | null; paused: boolean }> {
  const c = spawn(cmd, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let paused = false;
  c.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    if (!paused && out.includes('VM status: paused (shutdown)')) {
      paused = true;
      c.stdin.write('quit\n');
    }
  });
  const ask = setInterval(() => c.stdin.writable && c.stdin.write('info status\n'), 200);
  const limit = setTimeout(() => c.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    c.on('close', (status) => {
      clearInterval(ask);
      clearTimeout(limit);
      resolve({ status, paused });
    }),
  );
}

describe.skipIf(!ready)('-no-shutdown does what it does in QEMU 7.2', () => {
  const qemu = async (payload: keyof typeof PAYLOADS, extra: string[]) => {
    const f = join(dir, `${payload}.bin`);
    writeFileSync(f, Buffer.from(PAYLOADS[payload], 'hex'));
    const base = ['-M', 'virt', '-display', 'none', '-serial', 'none', '-monitor', 'stdio'];
    return runUntilPaused('qemu-system-riscv64', [...base, ...extra, '-kernel', f]);
  };
  const ours = async (appArgs: string, extra: string[]) =>
    runUntilPaused(process.execPath, [
      await rkBin(),
      'run',
      app,
      '-serial',
      'none',
      '-monitor',
      'stdio',
      ...extra,
      '-append',
      `-- ${appArgs}`,
    ]);

  it('a guest power-off exits with its status: SRST shutdown (OpenSBI writes PASS) and finisher FAIL', async () => {
    expect(await qemu('srst-shutdown', ['-no-shutdown'])).toEqual({ status: 0, paused: false });
    expect(await qemu('finisher-fail-5', ['-no-shutdown'])).toEqual({ status: 5, paused: false });
    expect(await ours('exit=0', ['-no-shutdown'])).toEqual({ status: 0, paused: false });
    expect(await ours('exit=5', ['-no-shutdown'])).toEqual({ status: 5, paused: false });
  }, 60_000);

  it('a guest reset under -no-reboot pauses (paused (shutdown)) until quit, which exits 0', async () => {
    const flags = ['-no-reboot', '-no-shutdown'];
    expect(await qemu('srst-reboot', flags)).toEqual({ status: 0, paused: true });
    expect(await ours('reset', flags)).toEqual({ status: 0, paused: true });
    // without -no-shutdown the same reset exits
    expect(await qemu('srst-reboot', ['-no-reboot'])).toEqual({ status: 0, paused: false });
    expect(await ours('reset', ['-no-reboot'])).toEqual({ status: 0, paused: false });
  }, 60_000);
});

describe.skipIf(!ready)('-serial pipe: opens the files QEMU 7.2 opens', () => {
  /** Runs `cmd` to its end while reading PATH.out (a FIFO); @returns its status and what came out. */
  async function throughFifo(cmd: string, args: string[], fifo: string) {
    const c = spawn(cmd, args, { cwd: repoRoot, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => c.on('close', resolve));
    const limit = setTimeout(() => c.kill('SIGKILL'), 30_000);
    const out = createReadStream(`${fifo}.out`);
    let text = '';
    out.on('data', (d: string | Buffer) => {
      text += d.toString();
    });
    const ended = new Promise<void>((resolve) => out.on('close', () => resolve()));
    const status = await exited;
    clearTimeout(limit);
    await ended; // the last writer is gone: end of file
    return { status, text };
  }

  it('PATH.in and PATH.out when both exist (FIFOs), else PATH itself', async () => {
    const kernel = join(dir, 'pipe-shutdown.bin');
    writeFileSync(kernel, Buffer.from(PAYLOADS['srst-shutdown'], 'hex'));
    const base = ['-M', 'virt', '-display', 'none', '-monitor', 'none'];
    for (const [who, fifo] of [
      ['qemu', join(dir, 'qfifo')],
      ['rk', join(dir, 'rfifo')],
    ] as const) {
      expect(spawnSync('mkfifo', [`${fifo}.in`, `${fifo}.out`]).status).toBe(0);
      const r =
        who === 'qemu'
          ? await throughFifo(
              'qemu-system-riscv64',
              [...base, '-serial', `pipe:${fifo}`, '-kernel', kernel],
              fifo,
            )
          : await throughFifo(
              process.execPath,
              [
                await rkBin(),
                'run',
                app,
                ...base,
                '-serial',
                `pipe:${fifo}`,
                '-append',
                '-- exit=0',
              ],
              fifo,
            );
      expect(r.status, who).toBe(0);
      // OpenSBI's banner from QEMU; the fixture's line from the model
      expect(r.text, who).toContain(who === 'qemu' ? 'OpenSBI v' : 'exiting with 0\n');
      // PATH alone (no .in/.out): output goes into PATH
      const single = join(dir, `${who}-single`);
      writeFileSync(single, '');
      const s =
        who === 'qemu'
          ? spawnSync(
              'qemu-system-riscv64',
              [...base, '-serial', `pipe:${single}`, '-kernel', kernel],
              { timeout: 30_000 },
            )
          : spawnSync(
              process.execPath,
              [
                await rkBin(),
                'run',
                app,
                ...base,
                '-serial',
                `pipe:${single}`,
                '-append',
                '-- exit=0',
              ],
              { cwd: repoRoot, timeout: 30_000 },
            );
      expect(s.status, who).toBe(0);
      expect(readFileSync(single, 'utf8'), who).toContain(
        who === 'qemu' ? 'OpenSBI v' : 'exiting with 0\n',
      );
    }
  }, 90_000);
});
