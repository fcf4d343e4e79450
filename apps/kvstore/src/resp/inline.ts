// Splits an inline command line into arguments as Redis's sdssplitargs: blanks separate, "double"
// quotes take \n \r \t \b \a \xHH and \<c> escapes, 'single' quotes take \', and a closing quote
// must be followed by a blank or the end. A NUL byte ends the line (Redis reads it as a C string).

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const hex = (c: number) =>
  c >= 0x30 && c <= 0x39
    ? c - 0x30
    : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66
      ? (c | 0x20) - 87
      : -1;
const ESCAPES: Record<number, number> = { 110: 0x0a, 114: 0x0d, 116: 0x09, 98: 0x08, 97: 0x07 };

/** The arguments of one inline line (without its line end). @returns null on unbalanced quotes. */
export function splitInlineArgs(line: Uint8Array): Uint8Array[] | null {
  const nul = line.indexOf(0);
  const end = nul < 0 ? line.length : nul;
  const at = (i: number) => (i < end ? line[i] : 0);
  const args: Uint8Array[] = [];
  let p = 0;
  for (;;) {
    while (p < end && isSpace(line[p])) p++;
    if (p >= end) return args;
    const cur: number[] = [];
    let mode: 0 | 1 | 2 = 0; // 0 bare, 1 "double", 2 'single'
    for (let done = false; !done; ) {
      const c = at(p);
      if (mode === 1) {
        if (c === 0x5c && at(p + 1) === 0x78 && hex(at(p + 2)) >= 0 && hex(at(p + 3)) >= 0) {
          cur.push(hex(at(p + 2)) * 16 + hex(at(p + 3)));
          p += 3;
        } else if (c === 0x5c && at(p + 1) !== 0) {
          p++;
          cur.push(ESCAPES[at(p)] ?? at(p));
        } else if (c === 0x22) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) return null;
        else cur.push(c);
      } else if (mode === 2) {
        if (c === 0x5c && at(p + 1) === 0x27) {
          p++;
          cur.push(0x27);
        } else if (c === 0x27) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) return null;
        else cur.push(c);
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) done = true;
      else if (c === 0x22) mode = 1;
      else if (c === 0x27) mode = 2;
      else cur.push(c);
      if (p < end) p++;
    }
    args.push(Uint8Array.from(cur));
  }
}
