// printk, assert and panic over the platform console (uk_pr_*, UK_ASSERT, UK_CRASH).

import type { RkDebug, RkLogLevel, RkTrace } from './api';
import { RK_LOG_LEVELS } from './api';
import { isHartStoppedError } from './stopped';

/** What rkdebug needs from the platform. */
export interface RkDebugPlat {
  console: { out(data: string): number };
  time: { monotonicNs(): number };
  power: { crash(status?: number): never };
}

const LABEL: Record<RkLogLevel, string> = {
  crit: 'CRIT',
  err: 'ERR',
  warn: 'Warn',
  info: 'Info',
  debug: 'dbg',
};

function stamp(ns: number): string {
  const s = Math.floor(ns / 1e9);
  const us = Math.floor((ns % 1e9) / 1e3);
  return `[${String(s).padStart(5, ' ')}.${String(us).padStart(6, '0')}]`;
}

/**
 * The file this module was loaded from: in a built image, the image itself, so its frames are the
 * kernel's and every other frame belongs to the machine running it.
 */
const imageUrl = import.meta.url;

/**
 * Formats a backtrace from an Error's stack, dropping the message line. When `ownFile` frames are
 * present (a bundled image), frames from outside it (the machine, the host runtime) are dropped too.
 */
export function backtrace(err: Error, ownFile: string = imageUrl): string[] {
  const frames = (err.stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at '));
  const own = frames.filter((l) => l.includes(ownFile));
  return own.length > 1 ? own : frames;
}

/** Creates the debug API printing through `plat`. */
export function createRkDebug(
  plat: RkDebugPlat,
  trace: RkTrace,
  level: RkLogLevel = 'info',
): RkDebug {
  const dbg: RkDebug = {
    level,
    printk(lvl, msg) {
      if (RK_LOG_LEVELS.indexOf(lvl) > RK_LOG_LEVELS.indexOf(dbg.level)) return false;
      plat.console.out(`${stamp(plat.time.monotonicNs())} ${LABEL[lvl]}: ${msg}\n`);
      return true;
    },
    crit: (m) => void dbg.printk('crit', m),
    err: (m) => void dbg.printk('err', m),
    warn: (m) => void dbg.printk('warn', m),
    info: (m) => void dbg.printk('info', m),
    debug: (m) => void dbg.printk('debug', m),
    assert(cond, msg): asserts cond {
      if (!cond) dbg.panic(`assertion failed: ${msg}`);
    },
    panic(reason, cause) {
      if (isHartStoppedError(cause)) throw cause;
      const lines = [`${stamp(plat.time.monotonicNs())} CRIT: PANIC: ${reason}`];
      if (cause instanceof Error && cause.message && !reason.includes(cause.message))
        lines.push(`  cause: ${cause.name}: ${cause.message}`);
      const where = cause instanceof Error ? cause : new Error(reason);
      lines.push('  backtrace:', ...backtrace(where).map((l) => `    ${l}`));
      plat.console.out(`${lines.join('\n')}\n`);
      trace.point('panic', { reason });
      return plat.power.crash(1);
    },
    trace,
  };
  return dbg;
}
