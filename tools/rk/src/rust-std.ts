// Rust's std for wasm32-wasi with sockets: Debian's rustc 1.63 ships a wasm32-wasi std whose
// TcpListener::bind, TcpStream::connect, UdpSocket and lookup_host answer Unsupported (preview1
// cannot create sockets). As WASIX ships a patched std, rk builds one: the `std` crate alone, from
// Debian's own sources (package rust-src) with `sys/wasi/net.rs` replaced by Runikraft's
// (../rust/wasi-net.rs, over libc-shim's socket extension), compiled by the same rustc against the
// prebuilt dependency rlibs of libstd-rust-dev-wasm32 (core, alloc, libc, hashbrown, wasi...). The
// result is a sysroot: those rlibs plus the new libstd (crates built on the old std — test,
// proc_macro, getopts — are left out; a wasm program links none of them). It is built once per
// rustc and patch into rk's wasm cache (about 10-30 s) and every Rust program is compiled with
// `--sysroot` on it.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RkUsageError } from './errors';

const TARGET = 'wasm32-wasi';
/** The rustc release the replacement net.rs is written against (std's internal interfaces). */
const RUST_RELEASE = /^release: 1\.63\./m;
/** The prebuilt crates std depends on, by crate name (`--extern`): rustc loads those it uses. */
const STD_DEPS = [
  'core',
  'alloc',
  'libc',
  'cfg_if',
  'compiler_builtins',
  'hashbrown',
  'std_detect',
  'rustc_demangle',
  'wasi',
  'unwind',
  'panic_abort',
  'panic_unwind',
  'dlmalloc',
  'miniz_oxide',
  'adler',
  'addr2line',
  'gimli',
  'object',
  'memchr',
];
/** Crates of Debian's sysroot built on its std: they would pull the old std in beside ours. */
const ON_OLD_STD = /^lib(std|test|proc_macro|getopts|rustc_std_workspace_std)-/;
/**
 * What std's build.rs tells cargo for wasm32 (cfg and env), and rustbuild's flags for std: the
 * crate's unstable features need RUSTC_BOOTSTRAP; -Zforce-unstable-if-unmarked lets it use the
 * prebuilt dependencies, built the same way; bitcode keeps `-C lto` possible for programs.
 */
const STD_FLAGS = [
  '--crate-name',
  'std',
  '--crate-type',
  'rlib',
  '--edition',
  '2021',
  '--target',
  TARGET,
  '-C',
  'opt-level=3',
  '-C',
  'embed-bitcode=yes',
  '-Z',
  'force-unstable-if-unmarked',
  '--cfg',
  'backtrace_in_libstd',
  '--cfg',
  'feature="backtrace"',
  '--cfg',
  'feature="panic-unwind"',
];

/** Runikraft's sys/wasi/net.rs (shipped with rk: next to src/ and dist/). */
export const WASI_NET_RS = fileURLToPath(new URL('../rust/wasi-net.rs', import.meta.url));

/** A built sysroot: pass `--sysroot dir`; `key` names it (programs' cache keys include it). */
export interface RustSysroot {
  dir: string;
  key: string;
}

function rustcOut(bin: string, args: string[]): string {
  return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Debian's rustc (a rustup one earlier in PATH may lack the wasm32-wasi std: TOOLCHAIN.md). */
export function rustcBin(): string {
  for (const b of ['/usr/bin/rustc', '/usr/local/bin/rustc']) if (existsSync(b)) return b;
  throw new RkUsageError('rk: rustc not found: apt-get install -y rustc libstd-rust-dev-wasm32');
}

interface RustPaths {
  /** rust-src's library/ (std and its siblings). */
  library: string;
  /** The wasm32-wasi rlibs (libstd-rust-dev-wasm32). */
  lib: string;
  /** `rustc -vV`. */
  version: string;
}

/** Asked once per rustc and process: each costs two rustc runs (~150 ms). */
const pathsOf = new Map<string, RustPaths>();

/** Where a rustc keeps its sources (rust-src) and its wasm32-wasi rlibs. */
function rustPaths(bin: string): RustPaths {
  let p = pathsOf.get(bin);
  if (!p) {
    const root = rustcOut(bin, ['--print', 'sysroot']);
    p = {
      library: join(root, 'lib', 'rustlib', 'src', 'rust', 'library'),
      lib: join(root, 'lib', 'rustlib', TARGET, 'lib'),
      version: rustcOut(bin, ['-vV']),
    };
    pathsOf.set(bin, p);
  }
  return p;
}

/**
 * The sysroot with Runikraft's std for `bin`, built into `cache` if it is not there yet.
 * @throws RkUsageError naming what is missing (rust-src, the wasm32-wasi std, rustc 1.63) or
 * rustc's own error when std does not compile.
 */
export function rustSysroot(cache: string, bin = rustcBin()): RustSysroot {
  const p = rustPaths(bin);
  if (!existsSync(p.lib))
    throw new RkUsageError(
      `rk: ${bin} has no ${TARGET} std (${p.lib}): apt-get install -y libstd-rust-dev-wasm32`,
    );
  if (!RUST_RELEASE.test(p.version))
    throw new RkUsageError(
      `rk: Rust programs need Debian's rustc 1.63 (Runikraft's std patch is written for it); ${bin} is:\n${p.version}`,
    );
  const std = join(p.library, 'std', 'src', 'sys', 'wasi', 'net.rs');
  if (!existsSync(std))
    throw new RkUsageError(
      `rk: Rust std sources not found (${std}): apt-get install -y rust-src — rk builds std for ${TARGET} with sockets from them`,
    );
  const patch = readFileSync(WASI_NET_RS);
  // The rlibs' names carry their crate hashes: a changed libstd-rust-dev-wasm32 builds anew.
  const key = createHash('sha256')
    .update(p.version)
    .update(readdirSync(p.lib).sort().join('\n'))
    .update(JSON.stringify(STD_FLAGS))
    .update(patch)
    .digest('hex')
    .slice(0, 16);
  const dir = join(cache, `rust-sysroot-${key}`);
  if (existsSync(join(dir, 'ok'))) return { dir, key };
  // Unique per builder: test workers may be threads of one process.
  const work = `${dir}.work-${process.pid}-${randomBytes(4).toString('hex')}`;
  rmSync(work, { recursive: true, force: true });
  try {
    buildStd(bin, p, patch, key, work);
    writeFileSync(join(work, 'ok'), `${p.version}\n`);
    try {
      renameSync(work, dir);
    } catch (e) {
      // Another build (a parallel test process) finished first: its sysroot is the same.
      if (!existsSync(join(dir, 'ok'))) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { dir, key };
}

function buildStd(bin: string, p: RustPaths, patch: Buffer, key: string, work: string): void {
  // std's sources reach its siblings by relative #[path] (../../backtrace, ../../portable-simd):
  // a library/ of links to Debian's, with a copy of std whose net.rs is ours.
  const library = join(work, 'src', 'library');
  mkdirSync(library, { recursive: true });
  for (const d of readdirSync(p.library))
    if (d !== 'std') symlinkSync(join(p.library, d), join(library, d));
  cpSync(join(p.library, 'std'), join(library, 'std'), { recursive: true });
  writeFileSync(join(library, 'std', 'src', 'sys', 'wasi', 'net.rs'), patch);

  const rlibs = readdirSync(p.lib).filter((f) => f.endsWith('.rlib'));
  const externs = STD_DEPS.flatMap((c) => {
    const f = rlibs.find((r) => r.startsWith(`lib${c}-`));
    return f ? ['--extern', `${c}=${join(p.lib, f)}`] : [];
  });
  const out = join(work, 'out');
  mkdirSync(out);
  try {
    execFileSync(
      bin,
      [
        ...STD_FLAGS,
        '-C',
        `metadata=runikraft-${key}`,
        '-C',
        `extra-filename=-${key}`,
        '-L',
        `dependency=${p.lib}`,
        ...externs,
        '--out-dir',
        out,
        join(library, 'std', 'src', 'lib.rs'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RUSTC_BOOTSTRAP: '1', STD_ENV_ARCH: 'wasm32' },
      },
    );
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new RkUsageError(
      `rk: building Rust's std for ${TARGET} with Runikraft's net.rs failed:\n${err.stderr?.toString().trim() ?? String(e)}`,
    );
  }

  // The sysroot: Debian's target directory (rlibs and self-contained/ crt and libc) by links,
  // without the crates built on its std, and the new libstd.
  const lib = join(work, 'lib', 'rustlib', TARGET, 'lib');
  mkdirSync(lib, { recursive: true });
  for (const f of readdirSync(p.lib))
    if (!ON_OLD_STD.test(f)) symlinkSync(join(p.lib, f), join(lib, f));
  copyFileSync(join(out, `libstd-${key}.rlib`), join(lib, `libstd-${key}.rlib`));
  rmSync(join(work, 'src'), { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}
