// kvstore's boot parameters (`kvstore.port=7000` before `--` in -append), declared as a library's
// are: typed, checked at boot, listed in errors.
import type { RkParamSpecs } from '@runikraft/rkboot';

export const params = {
  port: {
    type: 'number',
    default: 6379,
    min: 1,
    max: 65535,
    integer: true,
    doc: 'TCP port to listen on',
  },
} as const satisfies RkParamSpecs;
