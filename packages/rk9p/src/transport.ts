// The transport registry (Unikraft lib/uk9p/9pdev_trans.c): drivers register how they reach 9P
// servers ("virtio"); file systems connect by transport name and device (mount tag).
import { Errno, RkError } from '@runikraft/errno';
import type { RkP9Transport, RkP9TransportRegistry } from './api';

export class RkP9TransportRegistryImpl implements RkP9TransportRegistry {
  private readonly list: RkP9Transport[] = [];

  register(t: RkP9Transport): void {
    if (this.byName(t.name))
      throw new RkError(Errno.EEXIST, `9P transport '${t.name}' is registered twice`);
    this.list.push(t);
  }
  byName(name: string): RkP9Transport | undefined {
    return this.list.find((t) => t.name === name);
  }
  default(): RkP9Transport | undefined {
    return this.list[0];
  }
  all(): readonly RkP9Transport[] {
    return this.list;
  }
}

/** The `rk9p` registry in `registry`, created and provided on first use (drivers and 9pfs share it). */
export function p9TransportRegistry(registry: {
  tryGet(api: 'rk9p'): RkP9TransportRegistry | undefined;
  provide(api: 'rk9p', impl: RkP9TransportRegistry): void;
}): RkP9TransportRegistry {
  let r = registry.tryGet('rk9p');
  if (!r) {
    r = new RkP9TransportRegistryImpl();
    registry.provide('rk9p', r);
  }
  return r;
}
