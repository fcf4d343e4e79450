// Composition resolver (DESIGN.md §3): one provider per required API, a deterministic library
// order, and precise errors — the counterpart of Unikraft's Kconfig "depends on"/"select" solving.
// Pure: callers (rk build, rk ls) collect the candidate packages from the app's dependency closure.

/** A package from the app's dependency closure that carries a `runikraft` field. */
export interface RkCandidate {
  readonly name: string;
  readonly version: string;
  readonly provides: readonly string[];
  readonly requires: readonly string[];
  /**
   * Set on platform packages (providers of `rkplat`): module specifiers of their kernel side
   * (`entry`, exporting `export`, default `platEntry`) and of their machine.
   */
  readonly platform?: {
    readonly entry?: string;
    readonly export?: string;
    /** Export of the entry module that secondary harts enter (ImageEntry.secondary), if any. */
    readonly secondary?: string;
    readonly machine?: string;
  };
  /** True when the app lists the package in its own `dependencies`. */
  readonly direct?: boolean;
}

/** What `resolveComposition` needs. */
export interface RkCompositionInput {
  /** The app: its package name and its package.json `runikraft` field. */
  readonly app: {
    readonly name: string;
    readonly requires?: readonly string[];
    readonly select?: Readonly<Record<string, string>>;
  };
  readonly candidates: readonly RkCandidate[];
  /** Providers known to exist but not installed for this app (e.g. workspace packages): fix hints. */
  readonly available?: readonly { readonly name: string; readonly provides: readonly string[] }[];
  /** Path of the app's package.json as errors should print it (default `package.json`). */
  readonly manifestPath?: string;
  /** APIs the core provides itself (default {@link RK_BUILTIN_APIS}); never resolved to a package. */
  readonly builtin?: readonly string[];
  /**
   * The command that adds packages to the app where the user is (`pnpm add --workspace …`,
   * `npm install …`); default `pnpm add …`.
   */
  readonly addCommand?: (pkgs: readonly string[]) => string;
}

export type RkChoiceReason = 'selected' | 'only' | 'direct';

/** Why one API got its provider. */
export interface RkChoice {
  readonly api: string;
  readonly provider: RkCandidate;
  readonly reason: RkChoiceReason;
  /** Who needs the API: package names, or `<app>` for the app's own requires and selects. */
  readonly requiredBy: readonly string[];
  /** Every installed provider of the API (the chosen one included), sorted by name. */
  readonly candidates: readonly RkCandidate[];
  /** One line: `rkalloc ← @runikraft/rkalloc-buddy (only provider)`. */
  readonly text: string;
}

/** The result of a successful resolution. */
export interface RkComposition {
  /** The provider of `rkplat`. */
  readonly platform: RkCandidate;
  /** Chosen libraries in init-dependency order: the platform first, then topological by requires. */
  readonly libraries: readonly RkCandidate[];
  /** One choice per required API, sorted by API name. */
  readonly choices: readonly RkChoice[];
  /** Candidates that provide something but were not chosen. */
  readonly unused: readonly RkCandidate[];
  /** Built-in APIs (provided by rkboot itself) that something requires, sorted. */
  readonly builtins: readonly string[];
}

export type RkProblemKind = 'missing' | 'ambiguous' | 'bad-select' | 'conflict' | 'cycle';

/** One composition error with the fix a user can apply. */
export interface RkCompositionProblem {
  readonly kind: RkProblemKind;
  readonly api?: string;
  readonly message: string;
  readonly fix: string;
}

/** Thrown by `resolveComposition`; lists every problem found, each with its fix. */
export class RkResolveError extends Error {
  constructor(readonly problems: readonly RkCompositionProblem[]) {
    super(problems.map((p) => `${p.message}\n  fix: ${p.fix}`).join('\n'));
    this.name = 'RkResolveError';
  }
}

/** The API every image needs: the platform. */
export const RK_PLATFORM_API = 'rkplat';
/** APIs rkboot registers itself before any library initialises (its bootImage provides rkdebug). */
export const RK_BUILTIN_APIS: readonly string[] = ['rkdebug'];

const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Chooses exactly one provider for every API the app needs, transitively.
 * Roots: `rkplat`, the app's `requires` and `select` keys, what the app's direct dependencies
 * provide, and what its direct dependencies that provide nothing (e.g. rkboot) require.
 * A provider is chosen when it is `select`ed, the only installed provider, or the only one the
 * app lists directly.
 * @returns the composition.
 * @throws RkResolveError listing missing/ambiguous providers, bad selects, conflicts, cycles.
 */
export function resolveComposition(input: RkCompositionInput): RkComposition {
  const appLabel = `${input.app.name} (the app)`;
  const where = input.manifestPath ?? 'package.json';
  const select = input.app.select ?? {};
  const candidates = [...input.candidates].sort(byName);
  const providersOf = (api: string) => candidates.filter((c) => c.provides.includes(api));
  const problems: RkCompositionProblem[] = [];

  const builtin = input.builtin ?? RK_BUILTIN_APIS;
  const builtins = new Set<string>();
  const requiredBy = new Map<string, string[]>();
  const queue: string[] = [];
  const need = (api: string, who: string) => {
    if (builtin.includes(api) && !(api in select)) {
      builtins.add(api);
      return;
    }
    const list = requiredBy.get(api);
    if (list) {
      if (!list.includes(who)) list.push(who);
      return;
    }
    requiredBy.set(api, [who]);
    queue.push(api);
  };
  need(RK_PLATFORM_API, appLabel);
  for (const api of input.app.requires ?? []) need(api, appLabel);
  for (const api of Object.keys(select).sort()) need(api, appLabel);
  for (const c of candidates.filter((c) => c.direct)) {
    for (const api of c.provides) need(api, appLabel);
    if (c.provides.length === 0) for (const api of c.requires) need(api, c.name);
  }

  const chosen = new Map<string, RkChoice>();
  const failed: (() => RkCompositionProblem)[] = [];
  while (queue.length > 0) {
    const api = queue.shift()!;
    const choice = choose(
      api,
      requiredBy.get(api)!,
      providersOf(api),
      select[api],
      candidates,
      input,
      where,
      failed,
    );
    if (!choice) continue;
    chosen.set(api, choice);
    for (const r of choice.provider.requires)
      if (!choice.provider.provides.includes(r)) need(r, choice.provider.name);
  }

  problems.push(...failed.map((render) => render()));
  const libs = new Map<string, RkCandidate>();
  for (const choice of chosen.values()) libs.set(choice.provider.name, choice.provider);
  for (const lib of libs.values()) {
    for (const api of lib.provides) {
      const owner = chosen.get(api)?.provider;
      if (owner && owner.name !== lib.name) {
        problems.push({
          kind: 'conflict',
          api,
          message: `rk: ${lib.name} is in the image (it provides ${chosenApis(lib, chosen).join(', ')}) and also provides '${api}', whose chosen provider is ${owner.name}; both would register '${api}'.`,
          fix: `select ${lib.name} for '${api}' too ("select": {"${api}": "${lib.name}"}) or use a provider of ${chosenApis(lib, chosen).join(', ')} that does not provide '${api}'.`,
        });
      }
    }
  }
  if (problems.length > 0) throw new RkResolveError(problems);

  const platform = chosen.get(RK_PLATFORM_API)!.provider;
  const libraries = order(platform, [...libs.values()].sort(byName), chosen, problems);
  if (problems.length > 0) throw new RkResolveError(problems);
  const unused = candidates.filter((c) => c.provides.length > 0 && !libs.has(c.name));
  const choices = [...chosen.values()].sort((a, b) => (a.api < b.api ? -1 : a.api > b.api ? 1 : 0));
  return { platform, libraries, choices, unused, builtins: [...builtins].sort() };
}

function chosenApis(lib: RkCandidate, chosen: Map<string, RkChoice>): string[] {
  return lib.provides.filter((api) => chosen.get(api)?.provider.name === lib.name);
}

const add = (input: RkCompositionInput, pkg: string) =>
  input.addCommand ? input.addCommand([pkg]) : `pnpm add ${pkg}`;

const pkgList = (cs: readonly RkCandidate[]) => cs.map((c) => `${c.name}@${c.version}`).join(', ');

function choose(
  api: string,
  requiredBy: string[],
  providers: RkCandidate[],
  selected: string | undefined,
  all: RkCandidate[],
  input: RkCompositionInput,
  where: string,
  problems: (() => RkCompositionProblem)[],
): RkChoice | undefined {
  // Problems are rendered after the walk, when `requiredBy` lists everyone who needs the API.
  const make = (provider: RkCandidate, reason: RkChoiceReason): RkChoice => {
    const why =
      reason === 'selected'
        ? 'selected in package.json'
        : reason === 'only'
          ? 'only provider'
          : `the app's direct dependency; also installed: ${providers
              .filter((p) => p !== provider)
              .map((p) => p.name)
              .join(', ')}`;
    return {
      api,
      provider,
      reason,
      requiredBy,
      candidates: providers,
      text: `${api} ← ${provider.name} (${why})`,
    };
  };
  if (selected !== undefined) {
    const pick = providers.find((p) => p.name === selected);
    if (pick) return make(pick, 'selected');
    const installed = all.find((c) => c.name === selected);
    const alternatives =
      providers.length > 0
        ? `installed providers of '${api}': ${pkgList(providers)}`
        : `no installed package provides '${api}'`;
    problems.push(() => ({
      kind: 'bad-select',
      api,
      message: installed
        ? `rk: ${where} selects ${selected} for '${api}', but ${selected} does not provide '${api}' (it provides: ${installed.provides.join(', ') || 'nothing'}); ${alternatives}.`
        : `rk: ${where} selects ${selected} for '${api}', but ${selected} is not installed (not in the app's dependency closure); ${alternatives}.`,
      fix:
        providers.length > 0
          ? `set "select": {"${api}": "${providers[0].name}"} (or another installed provider)`
          : installed
            ? `remove "${api}" from "select" and install a package that provides '${api}'`
            : `add ${selected} to the app's dependencies (${add(input, selected)})`,
    }));
    return undefined;
  }
  if (providers.length === 1) return make(providers[0], 'only');
  if (providers.length === 0) {
    const known = (input.available ?? [])
      .filter((a) => a.provides.includes(api))
      .map((a) => a.name)
      .sort();
    problems.push(() => ({
      kind: 'missing',
      api,
      message: `rk: no installed package provides the API '${api}', required by ${requiredBy.join(', ')}.`,
      fix:
        known.length > 0
          ? `add a provider to the app's dependencies, e.g. ${add(input, known[0])} (providers available: ${known.join(', ')})`
          : `add a package whose package.json has "runikraft": {"provides": ["${api}"]} to the app's dependencies`,
    }));
    return undefined;
  }
  const direct = providers.filter((p) => p.direct);
  if (direct.length === 1) return make(direct[0], 'direct');
  problems.push(() => ({
    kind: 'ambiguous',
    api,
    message: `rk: ${providers.length} installed packages provide the API '${api}' (required by ${requiredBy.join(', ')}): ${pkgList(providers)}.`,
    fix: `choose one in ${where}: "runikraft": { "select": { "${api}": "${providers[0].name}" } }`,
  }));
  return undefined;
}

/** Topological order by requires, platform first, ties broken by package name (deterministic). */
function order(
  platform: RkCandidate,
  libs: RkCandidate[],
  chosen: Map<string, RkChoice>,
  problems: RkCompositionProblem[],
): RkCandidate[] {
  const deps = new Map<string, string[]>();
  for (const lib of libs) {
    const ds = lib.requires
      .flatMap((api) => chosen.get(api)?.provider.name ?? [])
      .filter((n, i, a) => n !== lib.name && n !== platform.name && a.indexOf(n) === i);
    deps.set(lib.name, lib.name === platform.name ? [] : ds);
  }
  const out: RkCandidate[] = [platform];
  const done = new Set([platform.name]);
  while (out.length < libs.length) {
    const next = libs.find((l) => !done.has(l.name) && deps.get(l.name)!.every((d) => done.has(d)));
    if (!next) {
      const cycle = findCycle(
        libs.filter((l) => !done.has(l.name)),
        deps,
      );
      const steps = cycle.slice(0, -1).map((n, i) => {
        const lib = libs.find((l) => l.name === n)!;
        const api = lib.requires.find((a) => chosen.get(a)?.provider.name === cycle[i + 1]);
        return `${n} requires '${api}' (provided by ${cycle[i + 1]})`;
      });
      problems.push({
        kind: 'cycle',
        message: `rk: the libraries' requirements form a cycle: ${cycle.join(' → ')}; ${steps.join(', ')}.`,
        fix: 'break the cycle: select another provider for one of these APIs, or drop one of the requires',
      });
      return out;
    }
    out.push(next);
    done.add(next.name);
  }
  return out;
}

function findCycle(rest: RkCandidate[], deps: Map<string, string[]>): string[] {
  const names = new Set(rest.map((l) => l.name));
  const path: string[] = [];
  let at = rest[0].name;
  while (!path.includes(at)) {
    path.push(at);
    at = deps.get(at)!.find((d) => names.has(d))!;
  }
  return [...path.slice(path.indexOf(at)), at];
}
