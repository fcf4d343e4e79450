// Parameter specs and parsed results (uklibparam's UK_LIB_PARAM, typed).

/** Declared type of one boot parameter. */
export type RkParamSpec =
  | { type: 'boolean'; default: boolean; doc: string }
  | { type: 'number'; default: number; min?: number; max?: number; integer?: boolean; doc: string }
  | { type: 'string'; default: string; doc: string }
  | { type: 'enum'; default: string; values: readonly string[]; doc: string }
  | { type: 'size'; default: number; doc: string };

export type RkParamSpecs = Record<string, RkParamSpec>;

/** The values of a library's parameters, typed from its specs. */
export type RkParamValues<P extends RkParamSpecs> = {
  [K in keyof P]: P[K] extends { type: 'boolean' }
    ? boolean
    : P[K] extends { type: 'number' | 'size' }
      ? number
      : string;
};

/** Parameters known to the parser: library name → its specs. */
export type RkParamTable = ReadonlyMap<string, RkParamSpecs>;

/** One problem found while parsing; `token` is the offending command-line token. */
export interface RkParamIssue {
  readonly token: string;
  readonly message: string;
}

export interface RkParamResult {
  /** Library name → parameter name → typed value (defaults filled in). */
  readonly values: Map<string, Record<string, boolean | number | string>>;
  /** Arguments for the application (after `--`, or the non-parameter tokens without `--`). */
  readonly appArgs: string[];
  /** Errors (unknown or ill-typed parameters). Non-empty means the command line is rejected. */
  readonly errors: RkParamIssue[];
  /** Tokens that look like foreign kernel parameters (`console=ttyS0`) and were ignored. */
  readonly ignored: string[];
}
