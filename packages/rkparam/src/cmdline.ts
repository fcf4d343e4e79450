// Splits a kernel command line into tokens (uklibparam's tokenizer): whitespace separates,
// double or single quotes group, backslash escapes the next character.

/** A tokenizer error: names the offset and what went wrong. */
export class CmdlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CmdlineError';
  }
}

/**
 * Splits `cmdline` into arguments.
 * @returns the tokens; throws CmdlineError for an unterminated quote or a trailing backslash.
 */
export function tokenize(cmdline: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  let quoteAt = 0;
  for (let i = 0; i < cmdline.length; i++) {
    const c = cmdline[i]!;
    if (c === '\\') {
      if (i + 1 >= cmdline.length)
        throw new CmdlineError(`cmdline: trailing backslash at offset ${i}`);
      cur += cmdline[++i];
      inToken = true;
    } else if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      quoteAt = i;
      inToken = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (quote)
    throw new CmdlineError(`cmdline: unterminated ${quote} quote opened at offset ${quoteAt}`);
  if (inToken) out.push(cur);
  return out;
}
