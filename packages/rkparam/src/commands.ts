// A command list, the small subset of a shell's grammar that boot parameters such as libc-shim's
// `libc.start` use to name the programs an image starts: commands separated by `;` (run it, wait for
// it) or `&` (start it, go on), pipelines joined by `|` (each command's stdout into the next one's
// stdin; the `;` or `&` after the last applies to the whole pipeline), each command a tokenized
// command line (quotes and backslashes as in `tokenize`), optionally preceded by NAME=value
// assignments for that command's environment, and with the shell's redirections of its descriptors
// (`< in`, `> out`, `>> log`, `2> err`, `2>&1`, `>&2`; applied left to right, after the pipes):
//   `httpd 8080 > /log & GREETING=hi fetch 'http://127.0.0.1:8080/' 2>&1 ; seq 5 | sum > /n`
import { CmdlineError, lex, type RkRedirectOp } from './cmdline';

/**
 * A redirection of one descriptor of a command: to a file opened for reading (`<`), truncated or
 * created (`>`), appended to (`>>`), or to a copy of another descriptor (`>&`, `<&`).
 */
export type RkRedirect =
  | { fd: number; op: '<' | '>' | '>>'; path: string }
  | { fd: number; op: '>&' | '<&'; to: number };

/** One command of a list. */
export interface RkCommand {
  /** NAME=value assignments written before the program's name. */
  env: string[];
  /** The program's name, then its arguments. */
  argv: string[];
  /** Ended by `&` (or in a pipeline ended by `&`): started without waiting for it. */
  background: boolean;
  /** Ended by `|`: its stdout is the next command's stdin (absent otherwise). */
  pipe?: true;
  /** Its redirections in the order written (absent when none). */
  redirects?: RkRedirect[];
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Parses a command list. An empty (or blank) list is no commands.
 * @throws CmdlineError naming the offset: an empty command before a separator (`&&`, `;;`, `||`, a
 *   leading `&`), a `|` with no command after it, a command of assignments only, an unterminated
 *   quote or a trailing backslash.
 */
export function parseCommandList(text: string): RkCommand[] {
  const out: RkCommand[] = [];
  let start = 0;
  let quote: string | null = null;
  const end = (at: number, sep: '&' | ';' | '|' | null) => {
    const part = text.slice(start, at);
    const piped = out.length > 0 && out[out.length - 1]!.pipe === true;
    if (part.trim() === '' && piped)
      throw new CmdlineError(
        `command list: '|' at offset ${start - 1} has no command after it${sep === '|' ? " ('||' is not supported: use ';')" : ''}`,
      );
    if (sep === null && part.trim() === '') return;
    let words: string[];
    let redirects: RkRedirect[];
    try {
      ({ words, redirects } = splitRedirects(part));
    } catch (e) {
      throw new CmdlineError(
        `${(e as Error).message.replace(/offset (\d+)/, (_, n) => `offset ${start + Number(n)}`)}`,
      );
    }
    if (words.length === 0 && redirects.length > 0)
      throw new CmdlineError(
        `command list: '${part.trim()}' (offset ${start}) redirects but names no program`,
      );
    if (words.length === 0)
      throw new CmdlineError(
        `command list: no command before '${sep}' at offset ${at}${sep === '&' && text[at - 1] === '&' ? " ('&&' is not supported: use ';')" : ''}`,
      );
    const first = words.findIndex((w) => !ASSIGNMENT.test(w));
    if (first < 0)
      throw new CmdlineError(
        `command list: '${part.trim()}' (offset ${start}) sets variables but names no program`,
      );
    out.push({
      env: words.slice(0, first),
      argv: words.slice(first),
      background: false,
      ...(sep === '|' ? { pipe: true as const } : {}),
      ...(redirects.length > 0 ? { redirects } : {}),
    });
    // The separator after a pipeline's last command decides for all of it.
    if (sep !== '|')
      for (let i = out.length - 1; i >= 0 && (i === out.length - 1 || out[i]!.pipe); i--)
        out[i]!.background = sep === '&';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') i++;
    else if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ((c === '<' || c === '>') && text[i + 1] === '&')
      i++; // `2>&1`: its & is part of the redirection, not a separator
    else if (c === '&' || c === ';' || c === '|') {
      end(i, c);
      start = i + 1;
    }
  }
  end(text.length, null);
  return out;
}

/** The words of one command and its redirections (offsets relative to `part`). */
function splitRedirects(part: string): { words: string[]; redirects: RkRedirect[] } {
  const tokens = lex(part, true);
  const words: string[] = [];
  const redirects: RkRedirect[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') {
      words.push(t.text);
      continue;
    }
    const target = tokens[i + 1];
    const op = `${t.fd ?? ''}${t.op}`;
    if (target?.kind !== 'word')
      throw new CmdlineError(`command list: redirection '${op}' at offset ${t.at} has no target`);
    i++;
    const fd = t.fd ?? (t.op === '<' || t.op === '<&' ? 0 : 1);
    if (t.op === '>&' || t.op === '<&') {
      if (!/^[0-9]$/.test(target.text))
        throw new CmdlineError(
          `command list: redirection '${op}' at offset ${t.at} needs a descriptor 0-9, got '${target.text}'`,
        );
      redirects.push({ fd, op: t.op, to: Number(target.text) });
    } else if (target.text === '')
      throw new CmdlineError(
        `command list: redirection '${op}' at offset ${t.at} has an empty file name`,
      );
    else redirects.push({ fd, op: t.op as Exclude<RkRedirectOp, '>&' | '<&'>, path: target.text });
  }
  return { words, redirects };
}
