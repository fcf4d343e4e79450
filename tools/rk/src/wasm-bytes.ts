// How an image embeds a .wasm file (a program libc-shim runs, or any `import x from './y.wasm'`):
// as a string whose char codes are the bytes, copied into a Uint8Array when the module is first
// imported. esbuild's binary loader embeds base64 instead, which the guest realm has to decode in
// JavaScript (it has no atob): that took ~11 ms of boot CPU for SQLite's 1.7 MB build, the copy
// ~4 ms. The image stays one script; the bytes are part of it, as a kernel's built-in initramfs is.
import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';

/**
 * `bytes` as a JavaScript string literal of one char per byte: printable ASCII and 0xa0-0xff as
 * themselves (the image is written as UTF-8), everything else escaped. `"` and `\` are escaped.
 */
export function bytesLiteral(bytes: Uint8Array): string {
  const parts: string[] = [];
  let run = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) || b >= 0xa0)
      run += String.fromCharCode(b);
    else run += `\\x${b.toString(16).padStart(2, '0')}`;
    if (run.length >= 65536) {
      parts.push(run);
      run = '';
    }
  }
  parts.push(run);
  return `"${parts.join('')}"`;
}

/** The ES module that stands for a .wasm file: its bytes as the default export. */
export function wasmModuleSource(bytes: Uint8Array): string {
  return [
    '// The bytes of a .wasm file, one char per byte (rk build: see tools/rk/src/wasm-bytes.ts).',
    'const copy = (s) => {',
    '  const b = new Uint8Array(s.length);',
    '  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);',
    '  return b;',
    '};',
    `export default copy(${bytesLiteral(bytes)});`,
    '',
  ].join('\n');
}

/** esbuild plugin: every imported .wasm file becomes {@link wasmModuleSource}. */
export function wasmBytes(): Plugin {
  return {
    name: 'rk-wasm-bytes',
    setup(b) {
      b.onLoad({ filter: /\.wasm$/ }, (args) => ({
        contents: wasmModuleSource(new Uint8Array(readFileSync(args.path))),
        loader: 'js',
      }));
    },
  };
}
