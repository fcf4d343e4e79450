// Writes the "Memory (issue 3)" section of BENCHMARKS.md between markers, leaving other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN = '<!-- bench:alloc begin (written by pnpm --filter @runikraft/bench bench:alloc) -->';
const END = '<!-- bench:alloc end -->';

/** Replaces (or appends) the section in `file`, creating the file with a title if needed. */
export function writeAllocSection(file: string, body: string): void {
  const section = `${BEGIN}\n${body.trim()}\n${END}`;
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEvery figure comes with the command that produced it and a baseline measured in the same run.\n';
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = text.slice(0, a) + section + text.slice(b + END.length);
  else text = `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}
