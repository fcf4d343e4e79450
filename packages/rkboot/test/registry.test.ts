import { describe, expect, it } from 'vitest';
import { initOrder } from '../src/order';
import { createRegistry } from '../src/registry';

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
