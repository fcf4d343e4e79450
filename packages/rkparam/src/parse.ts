// Parses the kernel command line into per-library parameters and the app's arguments.
// Form (as Unikraft's uklibparam): `lib.param=value ... -- app args`. Without `--`, tokens of the form
// `<composed library>.<param>[=value]` are parameters and every other token goes to the app.
import type { RkParamIssue, RkParamResult, RkParamTable } from './api';
import { tokenize } from './cmdline';
import { convertValue } from './value';

export interface RkParamParseOptions {
  /** Values set at build time (package.json `runikraft.params`, "lib.param" → value); the cmdline overrides. */
  readonly defaults?: Readonly<Record<string, string | number | boolean>>;
}

function defaultsFor(table: RkParamTable) {
  const values = new Map<string, Record<string, boolean | number | string>>();
  for (const [lib, specs] of table) {
    const v: Record<string, boolean | number | string> = {};
    for (const [name, spec] of Object.entries(specs)) v[name] = spec.default;
    values.set(lib, v);
  }
  return values;
}

function splitKey(token: string): { lib: string; name: string; text: string | undefined } | null {
  const eq = token.indexOf('=');
  const key = eq < 0 ? token : token.slice(0, eq);
  const dot = key.indexOf('.');
  if (dot <= 0 || dot === key.length - 1) return null;
  return {
    lib: key.slice(0, dot),
    name: key.slice(dot + 1),
    text: eq < 0 ? undefined : token.slice(eq + 1),
  };
}

function apply(
  table: RkParamTable,
  values: RkParamResult['values'],
  token: string,
  key: { lib: string; name: string; text: string | undefined },
  errors: RkParamIssue[],
): void {
  const specs = table.get(key.lib);
  if (!specs) {
    const libs = [...table.keys()].sort().join(', ') || '(none)';
    errors.push({
      token,
      message: `unknown library '${key.lib}' in '${token}' (libraries with parameters: ${libs})`,
    });
    return;
  }
  const spec = specs[key.name];
  if (!spec) {
    const known =
      Object.keys(specs)
        .sort()
        .map((n) => `${key.lib}.${n}`)
        .join(', ') || '(none)';
    errors.push({ token, message: `unknown parameter '${key.lib}.${key.name}' (known: ${known})` });
    return;
  }
  const r = convertValue(spec, key.text);
  if (!r.ok) errors.push({ token, message: `parameter '${key.lib}.${key.name}': ${r.message}` });
  else values.get(key.lib)![key.name] = r.value;
}

/**
 * Parses `cmdline` against `table`.
 * @returns typed values with defaults filled, the app's args, errors (unknown or ill-typed parameters,
 *   bad quoting) and ignored foreign tokens. Never throws.
 */
export function parseParams(
  cmdline: string,
  table: RkParamTable,
  opts: RkParamParseOptions = {},
): RkParamResult {
  const values = defaultsFor(table);
  const errors: RkParamIssue[] = [];
  const ignored: string[] = [];
  const appArgs: string[] = [];
  for (const [key, raw] of Object.entries(opts.defaults ?? {})) {
    const k = splitKey(`${key}=${String(raw)}`);
    if (k) apply(table, values, `${key} (package.json)`, k, errors);
    else
      errors.push({
        token: key,
        message: `package.json param '${key}' must be written 'library.param'`,
      });
  }
  let tokens: string[];
  try {
    tokens = tokenize(cmdline);
  } catch (e) {
    return {
      values,
      appArgs,
      errors: [{ token: cmdline, message: (e as Error).message }],
      ignored,
    };
  }
  const sep = tokens.indexOf('--');
  if (sep >= 0) {
    for (const token of tokens.slice(0, sep)) {
      const k = splitKey(token);
      if (k) apply(table, values, token, k, errors);
      else ignored.push(token);
    }
    appArgs.push(...tokens.slice(sep + 1));
  } else {
    for (const token of tokens) {
      const k = splitKey(token);
      if (k && table.has(k.lib)) apply(table, values, token, k, errors);
      else appArgs.push(token);
    }
  }
  return { values, appArgs, errors, ignored };
}
