// @runikraft/rkurl: WHATWG URL and URLSearchParams as pure code, installed as guest globals.
import { defineLibrary } from '@runikraft/rkboot';
import { installUrlGlobals } from './globals';

export { type FormList, parseForm, serializeForm } from './form';
export { installUrlGlobals } from './globals';
export { RkUrlIdnaError } from './idna';
export { punycodeDecode, punycodeEncode } from './punycode';
export {
  type RkSearchParamsOwner,
  RkURLSearchParams,
  type RkURLSearchParamsInit,
} from './search-params';
export { RkURL } from './url';

/** The library: at `early` level, installs `URL` and `URLSearchParams` in the guest realm. */
export const library = defineLibrary({
  name: 'rkurl',
  version: '0.1.0',
  provides: ['rkurl'],
  requires: [],
  initLevel: 'early',
  init() {
    installUrlGlobals();
  },
});
