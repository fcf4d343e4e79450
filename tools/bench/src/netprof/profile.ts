// A CPU profile of this whole process (machine, guest realm, host side of the network) taken with
// node:inspector while a load runs, summarised by self time: functions mapped through the source maps
// of the bench bundle and of the guest image to their TypeScript files, then grouped into layers.
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Profiles `load()` (sampling every 200 µs). @returns its result and the profile. */
export async function profiled<T>(
  load: () => Promise<T>,
): Promise<{ result: T; profile: CpuProfile }> {
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 200 });
  await s.post('Profiler.start');
  const stop = async () => {
    const r = (await s.post('Profiler.stop')) as { profile: CpuProfile };
    s.disconnect();
    return r.profile;
  };
  let result: T;
  try {
    result = await load();
  } catch (e) {
    await stop();
    throw e;
  }
  const profile = await stop();
  return { result, profile };
}

const maps = new Map<string, SourceMap | null>();

/** The source map of a script: inline (the bench bundle) or `<file>.map` (rk build's images). */
function mapFor(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url) ?? null;
  let m: SourceMap | null = null;
  try {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    const text = readFileSync(path, 'utf8');
    const inline =
      /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(text);
    const json = inline
      ? Buffer.from(inline[1], 'base64').toString('utf8')
      : readFileSync(`${path}.map`, 'utf8');
    m = new SourceMap(JSON.parse(json));
  } catch {
    m = null;
  }
  maps.set(url, m);
  return m;
}

/** `file:line` of a frame in the TypeScript sources (relative to the repo), or its raw url. */
function origin(f: CallFrame): string {
  if (!f.url) return '';
  const m = mapFor(f.url);
  const e = m?.findEntry(f.lineNumber, f.columnNumber) as
    | { originalSource?: string; originalLine?: number }
    | undefined;
  if (!e?.originalSource) return f.url;
  const src = e.originalSource.replace(/^.*?\/(packages|platforms|apps|tools)\//, '$1/');
  return `${src}:${(e.originalLine ?? 0) + 1}`;
}

/** Layers, first match wins; a file path or a V8 pseudo-frame name. */
const LAYERS: [string, RegExp][] = [
  ['idle', /^\(idle\)$/],
  [
    'host socket writes (write syscalls)',
    /^(writeBuffer|writev|writeUtf8String|writeLatin1String)$/,
  ],
  ['garbage collection', /^\(garbage collector\)$/],
  ['V8/native (program)', /^\(program\)$/],
  ['guest: rknet checksum', /packages\/rknet\/src\/wire\/checksum/],
  ['guest: rknet TCP', /packages\/rknet\/src\/socket\/tcp\//],
  ['guest: rknet other sockets', /packages\/rknet\/src\/socket\//],
  ['guest: rknet iface + wire', /packages\/rknet\/src\//],
  ['guest: virtio-net driver + rknetdev', /packages\/(virtio|rknetdev)\//],
  ['guest: scheduler, time, boot', /packages\/(rksched|rktime|rkboot|rkplat|rklock)/],
  ['guest: allocator', /packages\/rkalloc/],
  ['guest: app', /^(apps\/|\.\.\/src\/)/],
  ['guest: other', /^packages\//],
  ['machine: -netdev user', /backends\/net\/user\//],
  ['machine: net backends (TAP/dgram)', /backends\/net\//],
  ['machine: virtio-net model + virtqueues', /machine\/virtio/],
  ['machine: hart, clock, scheduler, realm', /platforms\/qemu-riscv\//],
  ['Node runtime (sockets, streams, timers)', /^node:/],
];

export interface ProfileSummary {
  totalMs: number;
  layers: { layer: string; ms: number }[];
  top: { fn: string; where: string; layer: string; ms: number }[];
}

/** Self time per layer and the `topN` hottest functions. */
export function summarise(p: CpuProfile, topN = 25): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const fns = new Map<string, { fn: string; where: string; layer: string; ms: number }>();
  const layers = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const where = origin(f);
    const name = f.functionName || '(anonymous)';
    const key = where || name;
    const layer = LAYERS.find(([, re]) => re.test(key))?.[0] ?? 'other host JS';
    totalMs += ms;
    layers.set(layer, (layers.get(layer) ?? 0) + ms);
    const k = `${name} ${where}`;
    const e = fns.get(k) ?? { fn: name, where, layer, ms: 0 };
    e.ms += ms;
    fns.set(k, e);
  }
  return {
    totalMs,
    layers: [...layers].map(([layer, ms]) => ({ layer, ms })).sort((a, b) => b.ms - a.ms),
    top: [...fns.values()].sort((a, b) => b.ms - a.ms).slice(0, topN),
  };
}
