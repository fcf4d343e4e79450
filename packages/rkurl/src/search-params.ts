// URLSearchParams (WHATWG URL §6.2): an ordered name-value list, live-bound to its URL's query.
import { type FormList, parseForm, serializeForm, toUSVString } from './form';

/** What a URL gives its searchParams to be told of changes (the "URL object" link). */
export interface RkSearchParamsOwner {
  /** Sets the URL's query from the list ('' → null). */
  setQueryFromList(serialized: string): void;
}

/** What `new URLSearchParams(init)` accepts: a query string, name-value pairs or a record. */
export type RkURLSearchParamsInit = string | Iterable<Iterable<unknown>> | Record<string, unknown>;

const owners = new WeakMap<RkURLSearchParams, RkSearchParamsOwner>();
const lists = new WeakMap<RkURLSearchParams, FormList>();

const listOf = (p: RkURLSearchParams): FormList => {
  const l = lists.get(p);
  if (!l) throw new TypeError('URLSearchParams: the receiver is not a URLSearchParams');
  return l;
};

/** The guest's URLSearchParams. */
export class RkURLSearchParams {
  /**
   * @param init a query string (a leading '?' is dropped), a sequence of [name, value] pairs, or a
   * record. @throws TypeError for a pair that does not have exactly two items.
   */
  constructor(init: RkURLSearchParamsInit | RkURLSearchParams = '') {
    let list: FormList;
    if (init instanceof RkURLSearchParams) list = listOf(init).map(([n, v]) => [n, v]);
    else if (init !== null && typeof init === 'object') list = fromObject(init);
    else if (typeof init === 'function') list = fromObject(init as unknown as object);
    else {
      const s = toUSVString(init);
      list = parseForm(s.startsWith('?') ? s.slice(1) : s);
    }
    lists.set(this, list);
  }

  /** @internal Links this list to its URL (done once, by the URL constructor). */
  static link(p: RkURLSearchParams, owner: RkSearchParamsOwner): void {
    owners.set(p, owner);
  }

  /** @internal Replaces the list (the URL's query changed). */
  static reset(p: RkURLSearchParams, query: string | null): void {
    lists.set(p, query === null ? [] : parseForm(query));
  }

  /** The number of pairs. */
  get size(): number {
    return listOf(this).length;
  }

  append(name: string, value: string): void {
    listOf(this).push([toUSVString(name), toUSVString(value)]);
    update(this);
  }

  /** Removes every pair named `name` (and with `value`, when given). */
  delete(name: string, value?: string): void {
    const n = toUSVString(name);
    const v = value === undefined ? undefined : toUSVString(value);
    lists.set(
      this,
      listOf(this).filter(([a, b]) => a !== n || (v !== undefined && b !== v)),
    );
    update(this);
  }

  /** @returns the first value named `name`, or null. */
  get(name: string): string | null {
    const n = toUSVString(name);
    return listOf(this).find(([a]) => a === n)?.[1] ?? null;
  }

  getAll(name: string): string[] {
    const n = toUSVString(name);
    return listOf(this)
      .filter(([a]) => a === n)
      .map(([, b]) => b);
  }

  has(name: string, value?: string): boolean {
    const n = toUSVString(name);
    const v = value === undefined ? undefined : toUSVString(value);
    return listOf(this).some(([a, b]) => a === n && (v === undefined || b === v));
  }

  /** Sets the first pair named `name` to `value` and removes the others (appends when none). */
  set(name: string, value: string): void {
    const n = toUSVString(name);
    const v = toUSVString(value);
    const list = listOf(this);
    const i = list.findIndex(([a]) => a === n);
    if (i < 0) list.push([n, v]);
    else {
      list[i][1] = v;
      lists.set(
        this,
        list.filter(([a], k) => k <= i || a !== n),
      );
    }
    update(this);
  }

  /** Sorts by name, comparing UTF-16 code units; stable for equal names. */
  sort(): void {
    const list = listOf(this);
    lists.set(
      this,
      list
        .map((pair, i) => ({ pair, i }))
        .sort((x, y) => (x.pair[0] < y.pair[0] ? -1 : x.pair[0] > y.pair[0] ? 1 : x.i - y.i))
        .map(({ pair }) => pair),
    );
    update(this);
  }

  forEach(
    callback: (value: string, name: string, params: RkURLSearchParams) => void,
    thisArg?: unknown,
  ): void {
    if (typeof callback !== 'function')
      throw new TypeError('URLSearchParams.forEach: the callback must be a function');
    for (let i = 0; i < listOf(this).length; i++) {
      const [n, v] = listOf(this)[i];
      callback.call(thisArg, v, n, this);
    }
  }

  /** Live iteration: pairs appended or removed while iterating are seen, by index, as in WebIDL. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < listOf(this).length; i++) {
      const [n, v] = listOf(this)[i];
      yield [n, v];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [n] of this.entries()) yield n;
  }

  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** The application/x-www-form-urlencoded serialization. */
  toString(): string {
    return serializeForm(listOf(this));
  }

  get [Symbol.toStringTag](): string {
    return 'URLSearchParams';
  }
}

Object.defineProperty(RkURLSearchParams, 'name', { value: 'URLSearchParams' });

function update(p: RkURLSearchParams): void {
  owners.get(p)?.setQueryFromList(serializeForm(listOf(p)));
}

function fromObject(init: object): FormList {
  const iter = (init as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (iter !== undefined && iter !== null) {
    if (typeof iter !== 'function')
      throw new TypeError('URLSearchParams: the init object has a non-callable Symbol.iterator');
    const list: FormList = [];
    for (const pair of init as Iterable<unknown>) {
      if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function'))
        throw new TypeError(
          'URLSearchParams: each pair of the sequence must be an iterable [name, value]',
        );
      const items = Array.from(pair as Iterable<unknown>);
      if (items.length !== 2)
        throw new TypeError(
          `URLSearchParams: each pair must have exactly two items (name, value), this one has ${items.length}`,
        );
      list.push([toUSVString(items[0]), toUSVString(items[1])]);
    }
    return list;
  }
  const list: FormList = [];
  for (const key of Reflect.ownKeys(init)) {
    if (typeof key !== 'string') continue;
    const d = Reflect.getOwnPropertyDescriptor(init, key);
    if (!d?.enumerable) continue;
    list.push([toUSVString(key), toUSVString((init as Record<string, unknown>)[key])]);
  }
  return list;
}
