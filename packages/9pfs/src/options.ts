// Mount options of 9pfs, as Linux's v9fs and Unikraft's 9pfs take them:
// "trans=virtio,msize=131072,cache=loose,aname=/srv,uname=root,version=9p2000.L".

/** Linux cache= modes 9pfs implements: none (ask the server every time), loose (trust the cache). */
export type P9fsCache = 'none' | 'loose';

export interface P9fsOptions {
  trans?: string;
  msize: number;
  cache: P9fsCache;
  aname: string;
  uname: string;
  /** n_uname of Tattach (Linux dfltuid, 0 = root). */
  uid: number;
}

const DEFAULTS: P9fsOptions = {
  msize: 128 * 1024,
  cache: 'none',
  aname: '',
  uname: 'root',
  uid: 0,
};

/** Parses `options`. @returns the options, or a sentence naming what is wrong. */
export function parseP9fsOptions(options: string): P9fsOptions | string {
  const o: P9fsOptions = { ...DEFAULTS };
  for (const part of options.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const val = eq < 0 ? '' : part.slice(eq + 1);
    switch (key) {
      case 'trans':
        o.trans = val;
        break;
      case 'msize': {
        const n = Number(val);
        if (!/^\d+$/.test(val) || n < 4096 || n > 16 << 20)
          return `msize=${val}: expected a number of bytes in [4096, 16777216]`;
        o.msize = n;
        break;
      }
      case 'cache':
        if (val !== 'none' && val !== 'loose')
          return `cache=${val}: 9pfs implements cache=none and cache=loose`;
        o.cache = val;
        break;
      case 'aname':
        o.aname = val;
        break;
      case 'uname':
        o.uname = val;
        break;
      case 'dfltuid':
      case 'uid':
        if (!/^\d+$/.test(val)) return `${key}=${val}: expected a number`;
        o.uid = Number(val);
        break;
      case 'version':
        if (val.toLowerCase() !== '9p2000.l') return `version=${val}: 9pfs speaks 9P2000.L only`;
        break;
      default:
        return `unknown option '${key}' (known: trans, msize, cache, aname, uname, uid, version)`;
    }
  }
  return o;
}
