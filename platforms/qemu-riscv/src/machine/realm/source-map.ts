// Stack frames of the image mapped to its TypeScript sources (source map v3, the map rk build writes
// next to the image). The mapper is installed as the guest realm's own Error.prepareStackTrace, made
// in that realm from source text and fed only strings, so no host object reaches the guest; Node's
// --enable-source-maps does not apply to vm scripts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Guest-realm source: `(mapText, generatedFile)` installs Error.prepareStackTrace, which formats frames
 * as V8 does and rewrites `generatedFile:line:col` into the original `source:line:col`. `mapText` is
 * `{"sources": [...shown names], "mappings": "..."}`; mappings decode lazily, on the first stack.
 */
export const SOURCE_MAP_SOURCE = `'use strict';
(mapText, generatedFile) => {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let lines = null;
  const decode = () => {
    const map = JSON.parse(mapText);
    const text = map.mappings;
    const out = [];
    let seg = [];
    let line = [];
    let src = 0, sline = 0, scol = 0, gcol = 0;
    let value = 0, shift = 0, fields = [];
    for (let i = 0; i <= text.length; i++) {
      const ch = i < text.length ? text[i] : ';';
      if (ch === ',' || ch === ';') {
        if (fields.length >= 4) {
          gcol += fields[0]; src += fields[1]; sline += fields[2]; scol += fields[3];
          line.push(gcol, src, sline, scol);
        } else if (fields.length >= 1) gcol += fields[0];
        fields = [];
        if (ch === ';') { out.push(line); line = []; gcol = 0; }
        continue;
      }
      const digit = B64.indexOf(ch);
      if (digit < 0) break;
      value += (digit & 31) << shift;
      if (digit & 32) { shift += 5; continue; }
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0; shift = 0;
    }
    return { sources: map.sources, lines: out };
  };
  const lookup = (line, col) => {
    lines ??= decode();
    const segs = lines.lines[line - 1];
    if (!segs) return null;
    let best = -1;
    for (let k = 0; k < segs.length; k += 4) {
      if (segs[k] <= col - 1) best = k; else break;
    }
    if (best < 0) return null;
    return lines.sources[segs[best + 1]] + ':' + (segs[best + 2] + 1) + ':' + (segs[best + 3] + 1);
  };
  const frame = (cs) => {
    let text;
    try { text = String(cs); } catch { return '<frame>'; }
    const file = cs.getFileName?.();
    if (file !== generatedFile) return text;
    const line = cs.getLineNumber(), col = cs.getColumnNumber();
    const at = lookup(line, col);
    return at === null ? text : text.replace(file + ':' + line + ':' + col, at);
  };
  Error.prepareStackTrace = (error, frames) => {
    let head;
    try { head = String(error); } catch { head = 'Error'; }
    return head + frames.map((f) => '\\n    at ' + frame(f)).join('');
  };
}`;

/** A source map read for the guest mapper, and the inline form an inspector client can use. */
export interface ImageSourceMap {
  /** JSON text for SOURCE_MAP_SOURCE: sources as shown in frames (relative to the cwd), mappings. */
  mapperText: string;
  /** The map as a data: URL, its sources absolute file: URLs (for `--inspect`). */
  dataUrl(): string;
}

/**
 * Reads the source map the image at `imagePath` names in its `//# sourceMappingURL=` comment.
 * @returns the map, or undefined when the image has none or it cannot be read (frames then stay as they are).
 */
export function readImageSourceMap(imagePath: string, source: string): ImageSourceMap | undefined {
  const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(source.slice(-512));
  if (!m || m[1].startsWith('data:')) return undefined;
  const file = m[1].startsWith('file:')
    ? fileURLToPath(m[1])
    : resolve(dirname(imagePath), decodeURIComponent(m[1]));
  if (!existsSync(file)) return undefined;
  let map: { sources?: unknown; mappings?: unknown; sourceRoot?: unknown };
  try {
    map = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(map.sources) || typeof map.mappings !== 'string') return undefined;
  const root = resolve(dirname(file), typeof map.sourceRoot === 'string' ? map.sourceRoot : '');
  const abs = map.sources.map((s) =>
    isAbsolute(String(s)) ? String(s) : resolve(root, String(s)),
  );
  const shown = abs.map((a) => {
    const r = relative(process.cwd(), a);
    return r.startsWith('..') && r.split('/').filter((x) => x === '..').length > 3 ? a : r;
  });
  return {
    mapperText: JSON.stringify({ sources: shown, mappings: map.mappings }),
    dataUrl: () => {
      const inline = { ...map, sourceRoot: '', sources: abs.map((a) => pathToFileURL(a).href) };
      return `data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(inline)).toString('base64')}`;
    },
  };
}
