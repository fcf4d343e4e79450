// httpreply's boot parameters (`httpreply.port=8080 httpreply.url=http://localhost:8080/` before
// `--` in -append), declared as a library's are: typed, checked at boot, listed in errors.
import type { RkParamSpecs } from '@runikraft/rkboot';

export const params = {
  port: {
    type: 'number',
    default: 80,
    min: 1,
    max: 65535,
    integer: true,
    doc: 'TCP port to listen on',
  },
  url: {
    type: 'string',
    default: '',
    doc: "address clients use, printed instead of the guest's own (for a forwarded port)",
  },
  root: {
    type: 'string',
    default: '',
    doc: 'serve this vfscore directory (e.g. a 9pfs mount from vfs.fstab) instead of the built-in page',
  },
} as const satisfies RkParamSpecs;
