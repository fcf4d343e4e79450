// `-smp [cpus=]N[,maxcpus=M][,sockets=S][,cores=C][,threads=T]` as QEMU 7.2 parses it for `virt`
// (hw/core/machine-smp.c machine_parse_smp_config, cores preferred over sockets; dies and clusters
// unsupported). Sockets, cores and threads only shape the topology check: they leave the device tree
// alone on `virt` (its sockets are NUMA nodes), so the model needs only the hart count.
import { RkUsageError } from './errors';
import { splitQemuOpts } from './run-args';

/** The `virt` machine's maximum (mc->max_cpus, VIRT_CPUS_MAX). */
export const VIRT_CPUS_MAX = 512;
const KEYS = ['cpus', 'maxcpus', 'sockets', 'dies', 'clusters', 'cores', 'threads'] as const;
type Key = (typeof KEYS)[number];

const fail = (msg: string) => new RkUsageError(`rk run: -smp: ${msg}`);

/** Reads the option string into numbers; QemuOpts' implied first key is `cpus`; the last repeat wins. */
function readConfig(v: string): Partial<Record<Key, number>> {
  const cfg: Partial<Record<Key, number>> = {};
  splitQemuOpts(v).forEach((item, i) => {
    const eq = item.indexOf('=');
    if (eq < 0 && i > 0) throw fail(`invalid parameter '${item}' (QEMU: Invalid parameter)`);
    const key = eq < 0 ? 'cpus' : item.slice(0, eq);
    const val = eq < 0 ? item : item.slice(eq + 1);
    if (!(KEYS as readonly string[]).includes(key))
      throw fail(`parameter 'smp.${key}' is unexpected (accepted: ${KEYS.join(', ')})`);
    // QEMU's uint visitor: decimal, 0x hex or 0 octal; a negative wraps to a huge value (refused below).
    const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(val);
    if (!m) throw fail(`parameter 'smp.${key}' expects an integer, got '${val}'`);
    const n = Number(m[2].replace(/^0(?=[0-7])/, '0o'));
    cfg[key as Key] = m[1] ? -n : n;
  });
  return cfg;
}

/**
 * Parses `-smp` and checks the topology with QEMU's rules and messages.
 * @returns the number of harts (cpus; maxcpus only bounds hot-plug, which `virt` lacks).
 * @throws RkUsageError naming the rule that failed.
 */
export function parseSmp(v: string, warn: (msg: string) => void = () => {}): number {
  const c = readConfig(v);
  for (const k of KEYS) {
    const n = c[k];
    if (n !== undefined && n < 0)
      throw fail(`Invalid SMP CPUs ${n}. The max CPUs supported by machine 'virt' is 512`);
  }
  if (KEYS.some((k) => c[k] === 0))
    warn(
      'Deprecated CPU topology (considered invalid): CPU topology parameters must be greater than zero',
    );
  if (c.dies && c.dies > 1) throw fail("dies not supported by this machine's CPU topology");
  if (c.clusters && c.clusters > 1)
    throw fail("clusters not supported by this machine's CPU topology");
  let cpus = c.cpus || 0;
  let maxcpus = c.maxcpus || 0;
  let sockets = c.sockets || 0;
  let cores = c.cores || 0;
  let threads = c.threads || 0;
  if (cpus === 0 && maxcpus === 0) {
    sockets ||= 1;
    cores ||= 1;
    threads ||= 1;
  } else {
    maxcpus ||= cpus;
    sockets ||= 1;
    threads ||= 1;
    cores ||= Math.floor(maxcpus / (sockets * threads));
  }
  const total = sockets * cores * threads;
  maxcpus ||= total;
  cpus ||= maxcpus;
  const topo = `sockets (${sockets}) * cores (${cores}) * threads (${threads})`;
  if (total !== maxcpus)
    throw fail(
      `Invalid CPU topology: product of the hierarchy must match maxcpus: ${topo} != maxcpus (${maxcpus})`,
    );
  if (maxcpus < cpus)
    throw fail(
      `Invalid CPU topology: maxcpus must be equal to or greater than smp: ${topo} == maxcpus (${maxcpus}) < smp_cpus (${cpus})`,
    );
  if (maxcpus > VIRT_CPUS_MAX)
    throw fail(
      `Invalid SMP CPUs ${maxcpus}. The max CPUs supported by machine 'virt' is ${VIRT_CPUS_MAX}`,
    );
  return cpus;
}
