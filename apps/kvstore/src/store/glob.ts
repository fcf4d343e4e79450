// Glob matching with Redis's stringmatchlen rules (util.c): * ? [abc] [^a-z] and \ escapes,
// over byte strings, case-sensitive. Recursion on '*' is bounded by skipping runs of stars.

/** True when `s` matches `pattern`. */
export function globMatch(pattern: string, s: string): boolean {
  return match(pattern, 0, s, 0);
}

function match(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length && si <= s.length) {
    const c = p[pi];
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (match(p, pi + 1, s, k)) return true;
      return false;
    }
    if (si === s.length) return false;
    if (c === '?') {
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      const r = matchClass(p, pi + 1, s.charCodeAt(si));
      if (!r.ok) return false;
      pi = r.next;
      si++;
      continue;
    }
    let lit = c;
    if (c === '\\' && pi + 1 < p.length) lit = p[++pi];
    if (lit !== s[si]) return false;
    pi++;
    si++;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length && si === s.length;
}

/** Matches `ch` against the class starting after '['. @returns the result and the index after ']'. */
function matchClass(p: string, i: number, ch: number): { ok: boolean; next: number } {
  const not = p[i] === '^';
  if (not) i++;
  let found = false;
  for (;;) {
    if (i >= p.length) {
      i--; // an unterminated class ends at the pattern's end, as in Redis
      break;
    }
    if (p[i] === '\\' && i + 2 < p.length + 1 && i + 1 < p.length) {
      i++;
      if (p.charCodeAt(i) === ch) found = true;
    } else if (p[i] === ']') break;
    else if (p[i + 1] === '-' && i + 2 < p.length) {
      let lo = p.charCodeAt(i);
      let hi = p.charCodeAt(i + 2);
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) found = true;
      i += 2;
    } else if (p.charCodeAt(i) === ch) found = true;
    i++;
  }
  return { ok: not ? !found : found, next: i + 1 };
}
