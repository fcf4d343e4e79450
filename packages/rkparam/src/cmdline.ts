// Splits a kernel command line into tokens (uklibparam's tokenizer): whitespace separates,
// double or single quotes group, backslash escapes the next character.

/** A tokenizer error: names the offset and what went wrong. */
export class CmdlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CmdlineError';
  }
}

/** A word of a command line, or (with `redirections`) a redirection operator. */
export type RkToken =
  | { kind: 'word'; text: string; at: number }
  | {
      kind: 'redirect';
      /** The descriptor written before the operator (`2>`), or null (`>`: 1, `<`: 0). */
      fd: number | null;
      op: RkRedirectOp;
      at: number;
    };

/** `<` read, `>` truncate, `>>` append, `>&`/`<&` duplicate a descriptor. */
export type RkRedirectOp = '<' | '>' | '>>' | '>&' | '<&';

/**
 * Splits `text` into tokens, as `tokenize` does; with `redirections`, an unquoted `<` or `>`
 * (optionally doubled or followed by `&`, and optionally preceded by a one-digit descriptor that
 * starts its word, as in `2>&1`) ends the word before it and is a token of its own, as in a shell.
 * @throws CmdlineError for an unterminated quote or a trailing backslash.
 */
export function lex(text: string, redirections = false): RkToken[] {
  const out: RkToken[] = [];
  let cur = '';
  let inToken = false;
  let quoted = false;
  let at = 0;
  let quote: '"' | "'" | null = null;
  let quoteAt = 0;
  const begin = (i: number) => {
    if (!inToken) at = i;
    inToken = true;
  };
  const flush = () => {
    if (inToken) out.push({ kind: 'word', text: cur, at });
    cur = '';
    inToken = false;
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (i + 1 >= text.length)
        throw new CmdlineError(`cmdline: trailing backslash at offset ${i}`);
      begin(i);
      quoted = true;
      cur += text[++i];
    } else if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      begin(i);
      quote = c;
      quoteAt = i;
      quoted = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      flush();
    } else if (redirections && (c === '<' || c === '>')) {
      // `2>`: a lone unquoted digit right before the operator names the descriptor.
      const fd = inToken && !quoted && /^[0-9]$/.test(cur) ? Number(cur) : null;
      const opAt = fd === null ? i : at;
      if (fd !== null) {
        cur = '';
        inToken = false;
      } else flush();
      let op: RkRedirectOp = c;
      if (text[i + 1] === '&') {
        op = c === '>' ? '>&' : '<&';
        i++;
      } else if (c === '>' && text[i + 1] === '>') {
        op = '>>';
        i++;
      }
      out.push({ kind: 'redirect', fd, op, at: opAt });
    } else {
      begin(i);
      cur += c;
    }
  }
  if (quote)
    throw new CmdlineError(`cmdline: unterminated ${quote} quote opened at offset ${quoteAt}`);
  flush();
  return out;
}

/**
 * Splits `cmdline` into arguments.
 * @returns the tokens; throws CmdlineError for an unterminated quote or a trailing backslash.
 */
export function tokenize(cmdline: string): string[] {
  return lex(cmdline).map((t) => (t as { text: string }).text);
}
