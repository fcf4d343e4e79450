// The parameters rkboot itself owns (its own, rkdebug's and rkparam's) and the table of all libraries'.
import { Errno, RkError } from '@runikraft/errno';
import type { RkParamSpecs, RkParamTable } from '@runikraft/rkparam';
import type { RkAppParams, RkLibrary } from './api';

export const RKBOOT_PARAMS = {
  banner: { type: 'boolean', default: true, doc: 'print the boot banner' },
  initlog: { type: 'boolean', default: false, doc: 'log each library init with its duration' },
} as const satisfies RkParamSpecs;

export const RKDEBUG_PARAMS = {
  level: {
    type: 'enum',
    default: 'info',
    values: ['crit', 'err', 'warn', 'info', 'debug'],
    doc: 'most verbose printk level',
  },
  trace_events: {
    type: 'number',
    default: 4096,
    min: 1,
    integer: true,
    doc: 'trace ring capacity (events)',
  },
} as const satisfies RkParamSpecs;

export const RKPARAM_PARAMS = {
  strict: { type: 'boolean', default: false, doc: 'reject foreign tokens (console=...) before --' },
} as const satisfies RkParamSpecs;

/**
 * Builds the parameter table for a composition and the app's own parameters. Throws RkError EEXIST
 * if two libraries (or a library and the app) share a prefix.
 */
export function paramTable(libs: readonly RkLibrary<any>[], app?: RkAppParams): RkParamTable {
  const table = new Map<string, RkParamSpecs>([
    ['rkboot', RKBOOT_PARAMS],
    ['rkdebug', RKDEBUG_PARAMS],
    ['rkparam', RKPARAM_PARAMS],
  ]);
  for (const lib of libs) {
    const prefix = paramPrefix(lib);
    if (table.has(prefix))
      throw new RkError(
        Errno.EEXIST,
        prefix === lib.name
          ? `two composed libraries are named '${lib.name}'`
          : `library '${lib.name}' takes parameter prefix '${prefix}', which another library has`,
      );
    table.set(prefix, lib.params ?? {});
  }
  if (app) {
    if (table.has(app.prefix))
      throw new RkError(
        Errno.EEXIST,
        `the app's parameter prefix '${app.prefix}' is a composed library's (set runikraft.paramPrefix)`,
      );
    table.set(app.prefix, app.specs);
  }
  return table;
}

/** The prefix of `lib`'s boot parameters: its `paramPrefix`, else its name. */
export function paramPrefix(lib: RkLibrary<any>): string {
  return lib.paramPrefix ?? lib.name;
}
