// The one error type rk's verbs throw for user mistakes: the message names the problem and the fix.

/** A user-facing rk error; the CLI prints `message` (no stack) and exits with `exitCode`. */
export class RkUsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'RkUsageError';
  }
}
