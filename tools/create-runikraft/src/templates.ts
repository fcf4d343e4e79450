// What create-runikraft can make: app templates and component templates, each with the packages its
// package.json lists. Versions come from versions.ts (the releases this create-runikraft was published with).

/** An app template: a unikernel that boots with `rk run`. */
export interface AppTemplate {
  readonly kind: 'app';
  readonly name: string;
  readonly summary: string;
  readonly dependencies: readonly string[];
  /**
   * The package.json `runikraft` field (the entry is always src/main.ts); `__LIB__` stands for the
   * app's parameter prefix (its name without scope).
   */
  readonly runikraft: Record<string, unknown>;
}

/** A component template: a package that provides one interface, with the interface's kit in its tests. */
export interface ComponentTemplate {
  readonly kind: 'component';
  /** The interface (API name) the component provides, and the folder under templates/. */
  readonly iface: string;
  readonly summary: string;
  /**
   * What `runikraft.provides` lists: the interface (one provider per image: an allocator, a
   * policy), or 'self' for drivers, of which an image may hold several — each provides its own
   * name, which the app's dependency on it asks for (as ext4, ramfs and 9pfs do).
   */
  readonly provides?: 'iface' | 'self';
  readonly requires: readonly string[];
  readonly dependencies: readonly string[];
  readonly devDependencies: readonly string[];
}

const core = ['@runikraft/plat-qemu-riscv', '@runikraft/rkboot', '@runikraft/rkalloc-tlsf'];

export const APP_TEMPLATES: readonly AppTemplate[] = [
  {
    kind: 'app',
    name: 'helloworld',
    summary:
      "prints Hello, world!, its arguments and the allocator's free memory, then powers off with status 0",
    dependencies: core,
    runikraft: { entry: 'src/main.ts', machine: { memory: '64M' } },
  },
  {
    kind: 'app',
    name: 'http',
    summary:
      'an HTTP/1.1 server on rknet, reachable on http://localhost:8080/ through user networking',
    dependencies: [
      ...core,
      '@runikraft/rknet',
      '@runikraft/rknetdev',
      '@runikraft/rksched',
      '@runikraft/rksched-rr',
      '@runikraft/rkswrand',
      '@runikraft/virtio',
    ],
    runikraft: {
      entry: 'src/main.ts',
      machine: {
        memory: '128M',
        clock: 'host',
        netdev: ['user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80'],
        device: ['virtio-net-device,netdev=net0'],
      },
      // What the guest prints as its address: the host end of the hostfwd rule above.
      params: { '__LIB__.url': 'http://localhost:8080/' },
    },
  },
];

export const COMPONENT_TEMPLATES: readonly ComponentTemplate[] = [
  {
    kind: 'component',
    iface: 'rkalloc',
    summary: 'a memory allocator (a bump allocator to start from)',
    requires: ['rkplat'],
    dependencies: [
      '@runikraft/errno',
      '@runikraft/rkalloc',
      '@runikraft/rkboot',
      '@runikraft/rkplat',
    ],
    devDependencies: ['fast-check', 'vitest'],
  },
  {
    kind: 'component',
    iface: 'rksched',
    summary: 'a scheduling policy (round-robin with a time slice to start from)',
    requires: ['rkplat'],
    dependencies: [
      '@runikraft/errno',
      '@runikraft/rkboot',
      '@runikraft/rkplat',
      '@runikraft/rksched',
    ],
    devDependencies: ['fast-check', 'vitest'],
  },
  {
    kind: 'component',
    iface: 'rkblkdev',
    summary: 'a block device driver (a RAM disk in guest memory to start from)',
    provides: 'self',
    requires: ['rkalloc', 'rkblkdev', 'rkplat'],
    dependencies: [
      '@runikraft/errno',
      '@runikraft/rkalloc',
      '@runikraft/rkblkdev',
      '@runikraft/rkboot',
      '@runikraft/rkplat',
    ],
    devDependencies: ['fast-check', 'vitest'],
  },
  {
    kind: 'component',
    iface: 'rknetdev',
    summary: 'a network device driver (a NIC whose wire loops back, to start from)',
    provides: 'self',
    requires: ['rknetdev', 'rkplat'],
    dependencies: [
      '@runikraft/errno',
      '@runikraft/rkboot',
      '@runikraft/rknetdev',
      '@runikraft/rkplat',
    ],
    devDependencies: ['fast-check', 'vitest'],
  },
  {
    kind: 'component',
    iface: 'vfscore',
    summary: 'a file system (files in memory, bounded by a size= mount option, to start from)',
    provides: 'self',
    requires: ['vfscore'],
    dependencies: ['@runikraft/errno', '@runikraft/rkboot', '@runikraft/vfscore'],
    devDependencies: ['fast-check', 'vitest'],
  },
  {
    kind: 'component',
    iface: 'rkpci',
    summary: 'a PCI host bridge (config cycles through an ECAM window, to start from)',
    provides: 'self',
    requires: ['rkplat'],
    dependencies: ['@runikraft/fdt', '@runikraft/rkboot', '@runikraft/rkpci', '@runikraft/rkplat'],
    // the kit runs on the machine model (the hardware side of plat-qemu-riscv)
    devDependencies: ['@runikraft/plat-qemu-riscv', 'vitest'],
  },
];

/** The app template called `name`, or undefined. */
export const appTemplate = (name: string) => APP_TEMPLATES.find((t) => t.name === name);

/** The component template for interface `iface`, or undefined. */
export const componentTemplate = (iface: string) =>
  COMPONENT_TEMPLATES.find((t) => t.iface === iface);
