// Converts one textual parameter value to its declared type, or explains why it cannot.
import type { RkParamSpec } from './api';

const TRUE = new Set(['1', 'on', 'yes', 'true', 'y']);
const FALSE = new Set(['0', 'off', 'no', 'false', 'n']);
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/** Result of a conversion: the value, or an error message naming the expected form. */
export type Converted =
  | { ok: true; value: boolean | number | string }
  | { ok: false; message: string };

/** Parses `text` (undefined = the parameter was given without `=value`) against `spec`. */
export function convertValue(spec: RkParamSpec, text: string | undefined): Converted {
  switch (spec.type) {
    case 'boolean': {
      if (text === undefined) return { ok: true, value: true };
      const t = text.toLowerCase();
      if (TRUE.has(t)) return { ok: true, value: true };
      if (FALSE.has(t)) return { ok: true, value: false };
      return {
        ok: false,
        message: `expected a boolean (1/0, on/off, yes/no, true/false), got '${text}'`,
      };
    }
    case 'number': {
      if (text === undefined || text === '')
        return { ok: false, message: 'expected a number, got nothing' };
      const n = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : Number(text);
      if (!Number.isFinite(n)) return { ok: false, message: `expected a number, got '${text}'` };
      if (spec.integer && !Number.isInteger(n))
        return { ok: false, message: `expected an integer, got '${text}'` };
      if (spec.min !== undefined && n < spec.min)
        return { ok: false, message: `${n} is below the minimum ${spec.min}` };
      if (spec.max !== undefined && n > spec.max)
        return { ok: false, message: `${n} is above the maximum ${spec.max}` };
      return { ok: true, value: n };
    }
    case 'size': {
      const m = text === undefined ? null : /^(\d+)([kmgt]?)i?b?$/i.exec(text);
      if (!m)
        return {
          ok: false,
          message: `expected a size like 4096, 64K, 16M or 1G, got '${text ?? ''}'`,
        };
      return { ok: true, value: Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! };
    }
    case 'string':
      return { ok: true, value: text ?? '' };
    case 'enum': {
      if (text !== undefined && spec.values.includes(text)) return { ok: true, value: text };
      return {
        ok: false,
        message: `expected one of ${spec.values.join(', ')}, got '${text ?? ''}'`,
      };
    }
  }
}
