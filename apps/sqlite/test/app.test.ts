// The sqlite3 shell (unmodified SQLite C, built by rk build for wasm32-wasi) boots on libc-shim:
// a session typed on the console (the shell sees a terminal: banner and prompts), its database on
// ramfs, on a 9p share of a host directory or on an ext4 disk made by mkfs.ext4, where the host's own
// sqlite3 then checks it (on ext4: after e2fsck -fn and debugfs's dump of the file).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debugfs, fsck, haveE2fs, mkfs } from '../../../packages/ext4/test/helpers/image';
import type { ConsoleBackend, ConsoleSink } from '../../../platforms/qemu-riscv/src/machine';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let image: GuestImage;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

beforeAll(async () => {
  execFileSync(process.execPath, [join(appDir, 'scripts', 'sources.mjs')]);
  image = loadImage((await buildImage(appDir)).imagePath);
}, 900_000);

/** A terminal that types `input` once the shell has printed its first prompt. */
class TypedConsole implements ConsoleBackend {
  out = '';
  private sink: ConsoleSink | null = null;
  private typed = false;
  private readonly dec = new TextDecoder();
  constructor(private readonly input: string) {}
  write(byte: number): void {
    this.out += this.dec.decode(new Uint8Array([byte]), { stream: true });
    if (!this.typed && this.sink && this.out.endsWith('sqlite> ')) {
      this.typed = true;
      this.sink.input(new TextEncoder().encode(this.input));
    }
  }
  attach(sink: ConsoleSink): void {
    this.sink = sink;
  }
  flush(): void {}
  close(): void {}
}

const SESSION = [
  // A terminal gets the box mode by default (3.52); list mode keeps the rows comparable.
  '.mode list',
  'create table t(id integer primary key, name text, n real);',
  "insert into t(name, n) values ('alpha', 1.5), ('beta', 2.25), ('gamma', -3);",
  'create index t_name on t(name);',
  // ~400 KB of table and index pages, so the file spans about a hundred blocks of the disk
  'create table big as with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000) select x, hex(randomblob(30)) as h from c;',
  'create index big_h on big(h);',
  "select group_concat(name, ',') from t where n > 0;",
  'select count(*), sum(n) from t;',
  'pragma integrity_check;',
  '.tables',
  '.quit',
  '',
  // Enter sends CR, as a raw host terminal does; the console's line discipline makes it NL.
].join('\r');

async function session(append: string, dev: { virtfs?: string; drive?: string } = {}) {
  const con = new TypedConsole(SESSION);
  const m = new Machine({ console: con, clock: 'virtual', memory: 256 << 20, append });
  const plan = await createVirtioDevicesFromArgs({
    virtfs: dev.virtfs ? [dev.virtfs] : [],
    drive: dev.drive ? [`file=${dev.drive},if=none,format=raw,id=d0`] : [],
    device: dev.drive ? ['virtio-blk-device,drive=d0'] : [],
  });
  for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
  const exit = await m.boot(image);
  await plan.close();
  return { exit, out: con.out };
}

const ROWS = 'alpha|1.5\nbeta|2.25\ngamma|-3.0\n';

describe('sqlite3 shell on Runikraft', () => {
  it('runs a typed session with its database on ramfs', async () => {
    const { exit, out } = await session('rkboot.banner=off -- /data.db');
    expect(out).toMatch(/SQLite version 3\.\d+\.\d+/);
    expect(out).toContain('alpha,beta\n');
    expect(out).toContain('3|0.75\n');
    expect(out).toContain('ok\n');
    expect(out).toContain('t\n');
    // The line discipline echoed what was typed ahead, each Enter as CR NL.
    expect(out).toContain('sqlite> .mode list\r\ncreate table t(');
    expect(out).toContain('select count(*), sum(n) from t;\r\npragma integrity_check;\r\n');
    expect(exit.status, out).toBe(0);
  }, 120_000);

  it('keeps its database on a 9p share; the host sqlite3 finds it intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rk-sqlite-'));
    dirs.push(dir);
    const { exit, out } = await session(
      'rkboot.banner=off vfs.fstab=share:/share:9pfs:0:cache=none:mkmp -- /share/test.db',
      { virtfs: `local,path=${dir},mount_tag=share,security_model=none` },
    );
    expect(exit.status, out).toBe(0);
    const db = join(dir, 'test.db');
    expect(execFileSync('sqlite3', [db, 'pragma integrity_check;'], { encoding: 'utf8' })).toBe(
      'ok\n',
    );
    expect(
      execFileSync('sqlite3', [db, 'select name, n from t order by id;'], { encoding: 'utf8' }),
    ).toBe(ROWS);
  }, 120_000);

  it.skipIf(!haveE2fs)(
    'keeps its database on an ext4 disk; e2fsck is clean and the host sqlite3 finds it intact',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rk-sqlite-ext4-'));
      dirs.push(dir);
      const img = mkfs(dir, '64M');
      const { exit, out } = await session(
        'rkboot.banner=off vfs.fstab=/dev/vda:/data:ext4:0::mkmp -- /data/test.db',
        { drive: img },
      );
      expect(exit.status, out).toBe(0);
      expect(out).toContain('ok\n');
      // The shell's exit ends main; vfscore's term unmounts /data (journal checkpointed,
      // needs_recovery cleared), so the image is clean as the machine left it — nothing replays.
      expect(debugfs(img, 'features')).not.toContain('needs_recovery');
      const [status, report] = fsck(img);
      expect(status, report).toBe(0);
      const db = join(dir, 'out.db');
      debugfs(img, `dump /test.db ${db}`);
      expect(execFileSync('sqlite3', [db, 'pragma integrity_check;'], { encoding: 'utf8' })).toBe(
        'ok\n',
      );
      expect(
        execFileSync('sqlite3', [db, 'select name, n from t order by id;'], { encoding: 'utf8' }),
      ).toBe(ROWS);
      expect(
        execFileSync('sqlite3', [db, 'select count(*), sum(x), count(distinct h) from big;'], {
          encoding: 'utf8',
        }),
      ).toBe('5000|12502500|5000\n');
    },
    120_000,
  );
});
