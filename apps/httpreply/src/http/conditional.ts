// Conditional and range requests on a static file as nginx 1.22's not_modified and range filters
// answer them: If-None-Match (strong or weak match, "*") or else an exact If-Modified-Since → 304;
// one byte range → 206 with Content-Range; an unsatisfiable one → 416. Several ranges (nginx sends
// multipart/byteranges with a per-worker boundary counter) are answered with the whole file (200).

/** What to send for a file of `size` bytes. */
export type FileAnswer =
  | { readonly kind: 'full' }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const stripWeak = (t: string) => (t.startsWith('W/') ? t.slice(2) : t);

/** True when an If-None-Match list names `etag` (weak comparison, RFC 9110 §13.1.2) or is "*". */
export function etagListMatches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const want = stripWeak(etag);
  return list.split(',').some((t) => stripWeak(t.trim()) === want);
}

/**
 * Parses "bytes=a-b" / "bytes=a-" / "bytes=-n" for a file of `size` bytes (RFC 9110 §14.1.2) as
 * nginx's range filter judges it: another unit is ignored, a malformed or reversed spec is 416.
 * @returns the inclusive range, 'unsatisfiable', 'many' (several ranges), or null (ignore the header).
 */
export function parseRange(
  value: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | 'many' | null {
  if (!value.startsWith('bytes=')) return null;
  const specs = value.slice(6).split(',');
  const ranges: { start: number; end: number }[] = [];
  for (const spec of specs) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return 'unsatisfiable';
    if (r[1] === '') {
      const n = Number(r[2]);
      if (n > 0) ranges.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    const end = r[2] === '' ? size - 1 : Number(r[2]);
    if (end < start) return 'unsatisfiable';
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (ranges.length === 0) return 'unsatisfiable';
  return ranges.length > 1 ? 'many' : ranges[0];
}

/** Decides the answer for a GET/HEAD of a file with `etag` and modification time `mtime` (s). */
export function answerFor(
  req: { ifNoneMatch: string | null; ifModifiedSince: string | null; range: string | null },
  etag: string,
  mtime: number,
  size: number,
): FileAnswer {
  if (req.ifNoneMatch !== null) {
    if (etagListMatches(req.ifNoneMatch, etag)) return { kind: 'not-modified' };
  } else if (req.ifModifiedSince !== null) {
    const t = Date.parse(req.ifModifiedSince);
    if (!Number.isNaN(t) && t / 1000 === mtime) return { kind: 'not-modified' };
  }
  if (req.range === null) return { kind: 'full' };
  const r = parseRange(req.range, size);
  if (r === null || r === 'many') return { kind: 'full' };
  if (r === 'unsatisfiable') return { kind: 'unsatisfiable' };
  return { kind: 'partial', start: r.start, end: r.end };
}
