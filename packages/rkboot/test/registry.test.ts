import { Errno, RkError } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { initOrder } from '../src/order';
import { createRegistry, RkRegistryError } from '../src/registry';

/** Runs `f`, which must throw; returns what it threw. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('registry', () => {
  it('gets what was provided and names missing APIs', () => {
    const r = createRegistry();
    r.provide('rkplat', {} as never);
    expect(r.has('rkplat')).toBe(true);
    expect(r.tryGet('rkdebug')).toBeUndefined();
    expect(() => r.get('rkdebug')).toThrow(
      "API 'rkdebug' is not composed into this image (available: rkplat)",
    );
  });
  it('throws RkErrors: ENOENT for a missing API, EEXIST for a second provider', () => {
    const r = createRegistry();
    r.provide('rkplat', {} as never);
    const missing = thrown(() => r.get('rkdebug'));
    expect(missing).toBeInstanceOf(RkError);
    expect(missing).toBeInstanceOf(RkRegistryError);
    expect((missing as RkError).errno).toBe(Errno.ENOENT);
    expect(String(missing)).toMatch(/^RkRegistryError: ENOENT: API 'rkdebug'/);
    const twice = thrown(() => r.provide('rkplat', {} as never));
    expect(twice).toBeInstanceOf(RkError);
    expect((twice as RkError).errno).toBe(Errno.EEXIST);
  });
  it('refuses a second provider, naming both', () => {
    const r = createRegistry();
    r.setProvider('a');
    r.provide('rkplat', {} as never);
    r.setProvider('b');
    expect(() => r.provide('rkplat', {} as never)).toThrow(
      "already provided by 'a'; 'b' cannot provide it too",
    );
  });
});

describe('initOrder', () => {
  const L = (name: string, o: object = {}) => ({ name, version: '1', ...o });
  it('orders by level, then providers before users, else composition order', () => {
    const libs = [
      L('c', { requires: ['x'] }),
      L('x', { provides: ['x'] }),
      L('e', { initLevel: 'early' }),
      L('late', { initLevel: 'late' }),
    ];
    expect(initOrder(libs, []).map((l) => l.name)).toEqual(['e', 'x', 'c', 'late']);
  });
  it('rejects duplicate providers with the select fix', () => {
    expect(() => initOrder([L('a', { provides: ['m'] }), L('b', { provides: ['m'] })], [])).toThrow(
      `API 'm' is provided by both 'a' and 'b'; select one with "select": {"m": "<package>"}`,
    );
  });
  it('rejects cycles', () => {
    expect(() =>
      initOrder(
        [
          L('a', { provides: ['a'], requires: ['b'] }),
          L('b', { provides: ['b'], requires: ['a'] }),
        ],
        [],
      ),
    ).toThrow(/init cycle: a → b → a/);
  });
});
