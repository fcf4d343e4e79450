// rk build embeds .wasm files as one char per byte (wasm-bytes.ts). Every byte value must come back
// unchanged after esbuild has printed the image (UTF-8 output, its own escaping) and a fresh realm
// has evaluated it, as the machine does; the module must stay a script-safe literal.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleImage } from '../src/bundle';
import { bytesLiteral, wasmModuleSource } from '../src/wasm-bytes';

const dir = mkdtempSync(join(tmpdir(), 'rk-wasm-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every byte value, then pseudo-random bytes (a wasm file's mix of opcodes, LEB128s and text). */
function sample(): Uint8Array {
  const b = new Uint8Array(256 + 100_000);
  for (let i = 0; i < 256; i++) b[i] = i;
  let x = 0x9e3779b9;
  for (let i = 256; i < b.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

describe('wasm bytes in an image', () => {
  it('a literal is one char per byte, every value escaped where JavaScript needs it', () => {
    const bytes = sample();
    const lit = bytesLiteral(bytes);
    expect(lit).not.toMatch(/[\n\r\u2028\u2029]/);
    const s = new Script(`(${lit})`).runInContext(createContext({})) as string;
    expect(s.length).toBe(bytes.length);
    for (let i = 0; i < bytes.length; i++)
      if (s.charCodeAt(i) !== bytes[i]) expect.fail(`byte ${i}`);
  });

  it('survives esbuild and a fresh realm: the default export has the file bytes', async () => {
    const bytes = sample();
    writeFileSync(join(dir, 'p.wasm'), bytes);
    writeFileSync(
      join(dir, 'entry.ts'),
      "import p from './p.wasm';\nexport default (): Uint8Array => p;\n",
    );
    const out = join(dir, 'image.mjs');
    await bundleImage(join(dir, 'entry.ts'), out, [], dir);
    const source = readFileSync(out, 'utf8');
    expect(source).not.toContain('__toBinary'); // no base64 to decode
    const ctx = createContext({});
    new Script(source).runInContext(ctx);
    const got = new Script('RunikraftImage.default()').runInContext(ctx) as Uint8Array;
    expect(got.length).toBe(bytes.length);
    expect(Buffer.from(got).equals(Buffer.from(bytes))).toBe(true);
    // random bytes cost ~2.1 image bytes each (escapes, 2-byte UTF-8 for 0xa0-0xff); a .wasm, mostly
    // small values and ASCII names, costs about base64's 1.33 (SQLite's two builds: 13 KiB less)
    expect(Buffer.byteLength(source)).toBeLessThan(bytes.length * 2.5);
  });

  it('the module copies the literal into a Uint8Array once', () => {
    const src = wasmModuleSource(new Uint8Array([0, 97, 115, 109]));
    expect(src).toContain('export default copy("\\x00asm");');
  });
});
