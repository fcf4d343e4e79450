// Installs URL and URLSearchParams in the guest realm (through rkboot's realm door).
import { provideGlobal } from '@runikraft/rkboot';
import { RkURLSearchParams } from './search-params';
import { RkURL } from './url';

/** Installs `URL` and `URLSearchParams`. @returns false outside a guest realm (nothing installed). */
export function installUrlGlobals(): boolean {
  if (!provideGlobal('URL', RkURL)) return false;
  provideGlobal('URLSearchParams', RkURLSearchParams);
  return true;
}
