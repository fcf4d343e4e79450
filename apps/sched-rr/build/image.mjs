// ../../platforms/qemu-riscv/src/isa/csr.ts
var CSR_SSTATUS = 256;
var CSR_SIE = 260;
var CSR_SIP = 324;
var CSR_STIMECMP = 333;
var CSR_MSTATUS = 768;
var CSR_MIE = 772;
var CSR_TIME = 3073;
var SSTATUS_SIE = 1 << 1;
var MSTATUS_MIE = 1 << 3;
var SSTATUS_SPIE = 1 << 5;
var MSTATUS_MPIE = 1 << 7;
var IRQ_S_SOFT = 1;
var IRQ_M_SOFT = 3;
var IRQ_S_TIMER = 5;
var IRQ_M_TIMER = 7;
var IRQ_S_EXT = 9;
var IRQ_M_EXT = 11;
var MIP_SSIP = 1 << IRQ_S_SOFT;
var MIP_MSIP = 1 << IRQ_M_SOFT;
var MIP_STIP = 1 << IRQ_S_TIMER;
var MIP_MTIP = 1 << IRQ_M_TIMER;
var MIP_SEIP = 1 << IRQ_S_EXT;
var MIP_MEIP = 1 << IRQ_M_EXT;

// ../../platforms/qemu-riscv/src/plat/discover.ts
var PlatDescError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "PlatDescError";
  }
};
function first(fdt, compats, what) {
  for (const c of compats) {
    const n = fdt.findByCompatible(c)[0];
    if (n) return n;
  }
  throw new PlatDescError(
    `device tree: no ${what} (compatible ${compats.map((c) => `"${c}"`).join(" or ")})`
  );
}
function regBase(fdt, n) {
  const r = fdt.reg(n)[0];
  if (!r) throw new PlatDescError(`device tree: ${n.path} has no reg`);
  return r.address;
}
function cpuNode(fdt, hartid) {
  const cpus = fdt.root.child("cpus");
  if (!cpus) throw new PlatDescError("device tree: no /cpus node");
  const cpu = cpus.children.find(
    (c) => fdt.getPropString(c, "device_type") === "cpu" && fdt.reg(c)[0]?.address === hartid
  );
  if (!cpu)
    throw new PlatDescError(`device tree: no /cpus/cpu node with reg = ${hartid} (this hart)`);
  return cpu;
}
function plicContext(fdt, plic, intc, mode) {
  const want = mode === "M" ? IRQ_M_EXT : IRQ_S_EXT;
  const ctx = fdt.interrupts(plic).findIndex((i) => i.parent === intc && i.cells[0] === want);
  if (ctx < 0)
    throw new PlatDescError(`device tree: ${plic.path} has no ${mode}-mode context for this hart`);
  return ctx;
}
function describePlatform(fdt, hartid, mode) {
  const mem = fdt.memory().map((m) => ({ base: m.address, size: m.size }));
  if (mem.length === 0)
    throw new PlatDescError('device tree: no memory node (device_type = "memory")');
  const ch = fdt.chosen();
  const cpus = fdt.root.child("cpus");
  const cpu = cpuNode(fdt, hartid);
  const timebase = fdt.getPropU32(cpu, "timebase-frequency") ?? fdt.getPropU32(cpus, "timebase-frequency");
  if (!timebase) throw new PlatDescError("device tree: no timebase-frequency in /cpus");
  const isa = fdt.getPropString(cpu, "riscv,isa") ?? "";
  const intc = cpu.children.find(
    (c) => fdt.getPropStringList(c, "compatible")?.includes("riscv,cpu-intc")
  );
  const plic = first(fdt, ["riscv,plic0", "sifive,plic-1.0.0"], "PLIC");
  const uart = ch.stdout && fdt.getPropStringList(ch.stdout, "compatible")?.includes("ns16550a") ? ch.stdout : first(fdt, ["ns16550a"], "UART");
  const uartIrq = fdt.interrupts(uart)[0]?.cells[0];
  if (uartIrq === void 0) throw new PlatDescError(`device tree: ${uart.path} has no interrupts`);
  const timer = fdt.findByCompatible("riscv,aclint-mtimer")[0];
  const clint = fdt.findByCompatible("riscv,clint0")[0] ?? fdt.findByCompatible("sifive,clint0")[0];
  let mtimecmp = null;
  if (timer) mtimecmp = fdt.reg(timer)[1].address + 8 * hartid;
  else if (clint) mtimecmp = regBase(fdt, clint) + 16384 + 8 * hartid;
  if (mode === "M" && mtimecmp === null)
    throw new PlatDescError("device tree: M-mode needs a CLINT or ACLINT MTIMER");
  const rtc = fdt.findByCompatible("google,goldfish-rtc")[0];
  const test = fdt.findByCompatible("sifive,test0")[0] ?? fdt.findByCompatible("sifive,test1")[0];
  const reserved = fdt.reservedMemory().flatMap(
    (r) => r.regions.map((g) => ({ base: g.address, size: g.size, name: `reserved-memory/${r.name}` }))
  );
  for (const e of fdt.memReserve)
    reserved.push({ base: Number(e.address), size: Number(e.size), name: "memreserve" });
  return {
    memory: mem,
    reserved,
    cmdline: ch.bootargs ?? "",
    initrd: ch.initrdStart !== void 0 ? { start: ch.initrdStart, end: ch.initrdEnd } : null,
    rngSeed: ch.rngSeed,
    timebase,
    ncpus: cpus.children.filter((c) => fdt.getPropString(c, "device_type") === "cpu").length,
    sstc: /(^|_)sstc(_|$)/.test(isa),
    uart: { base: regBase(fdt, uart), irq: uartIrq },
    plic: {
      base: regBase(fdt, plic),
      ndev: fdt.getPropU32(plic, "riscv,ndev") ?? 95,
      context: plicContext(fdt, plic, intc, mode)
    },
    mtimecmp,
    rtc: rtc ? { base: regBase(fdt, rtc) } : null,
    finisher: test ? { base: regBase(fdt, test) } : null
  };
}

// ../../packages/fdt/src/bytes.ts
function be32(b, off) {
  return (b[off] << 24 | b[off + 1] << 16 | b[off + 2] << 8 | b[off + 3]) >>> 0;
}
function be64(b, off) {
  return BigInt(be32(b, off)) << 32n | BigInt(be32(b, off + 4));
}
function utf8Decode(b, start = 0, end = b.length) {
  let s = "";
  let i = start;
  while (i < end) {
    const c = b[i];
    let cp = 65533;
    let n = 1;
    if (c < 128) cp = c;
    else if (c >= 194 && c < 224 && cont(b, i + 1, end)) {
      cp = (c & 31) << 6 | b[i + 1] & 63;
      n = 2;
    } else if (c >= 224 && c < 240 && cont(b, i + 1, end) && cont(b, i + 2, end)) {
      const v = (c & 15) << 12 | (b[i + 1] & 63) << 6 | b[i + 2] & 63;
      if (v >= 2048 && (v < 55296 || v > 57343)) [cp, n] = [v, 3];
    } else if (c >= 240 && c < 245 && cont(b, i + 1, end) && cont(b, i + 2, end) && cont(b, i + 3, end)) {
      const v = (c & 7) << 18 | (b[i + 1] & 63) << 12 | (b[i + 2] & 63) << 6 | b[i + 3] & 63;
      if (v >= 65536 && v <= 1114111) [cp, n] = [v, 4];
    }
    s += String.fromCodePoint(cp);
    i += n;
  }
  return s;
}
function cont(b, i, end) {
  return i < end && (b[i] & 192) === 128;
}

// ../../packages/fdt/src/constants.ts
var FDT_MAGIC = 3490578157;
var FDT_BEGIN_NODE = 1;
var FDT_END_NODE = 2;
var FDT_PROP = 3;
var FDT_NOP = 4;
var FDT_END = 9;
var FDT_V17_HEADER_SIZE = 40;
var FDT_V16_HEADER_SIZE = 36;
var FDT_LAST_SUPPORTED_VERSION = 17;
var FDT_FIRST_SUPPORTED_VERSION = 16;
var FDT_RESERVE_ENTRY_SIZE = 16;
var FDT_MAX_NAME = 4096;
var FDT_MAX_DEPTH = 64;

// ../../packages/fdt/src/error.ts
var FdtError = class extends Error {
  name = "FdtError";
  /** Which field or item is at fault, e.g. `header.totalsize`, `struct`, `/soc/plic@c000000:reg`. */
  field;
  /** Byte offset in the blob of the faulty item, or -1 when it has none (writer, lookups). */
  offset;
  /** Why it is wrong, in words. */
  reason;
  constructor(field, offset, reason) {
    super(
      offset >= 0 ? `fdt: ${field} at 0x${offset.toString(16)}: ${reason}` : `fdt: ${field}: ${reason}`
    );
    this.field = field;
    this.offset = offset;
    this.reason = reason;
  }
};
function hex(n) {
  return `0x${n.toString(16)}`;
}

// ../../packages/fdt/src/props.ts
function where(node, p) {
  return `${node.path}:${p.name}`;
}
function propU32(node, p) {
  if (p.value.length !== 4)
    throw new FdtError(
      where(node, p),
      p.offset,
      `expected 4 bytes (one cell), found ${p.value.length}`
    );
  return be32(p.value, 0);
}
function propU64(node, p) {
  if (p.value.length !== 8)
    throw new FdtError(
      where(node, p),
      p.offset,
      `expected 8 bytes (two cells), found ${p.value.length}`
    );
  return be64(p.value, 0);
}
function propNumber(node, p) {
  if (p.value.length === 4) return be32(p.value, 0);
  if (p.value.length === 8) return toSafe(be64(p.value, 0), where(node, p), p.offset);
  throw new FdtError(where(node, p), p.offset, `expected 4 or 8 bytes, found ${p.value.length}`);
}
function propCells(node, p) {
  if (p.value.length % 4 !== 0)
    throw new FdtError(
      where(node, p),
      p.offset,
      `length ${p.value.length} is not a multiple of 4 (cells)`
    );
  const out = [];
  for (let i = 0; i < p.value.length; i += 4) out.push(be32(p.value, i));
  return out;
}
function propStringList(node, p) {
  const v = p.value;
  if (!v.length) throw new FdtError(where(node, p), p.offset, "empty value is not a string");
  if (v[v.length - 1] !== 0)
    throw new FdtError(where(node, p), p.offset, "string value is not NUL-terminated");
  const out = [];
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 0) {
      out.push(utf8Decode(v, s, i));
      s = i + 1;
    }
  }
  return out;
}
function propString(node, p) {
  const list = propStringList(node, p);
  if (list.length !== 1)
    throw new FdtError(where(node, p), p.offset, `expected one string, found ${list.length}`);
  return list[0];
}
function toSafe(v, field, offset) {
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new FdtError(field, offset, `value 0x${v.toString(16)} exceeds 2^53 - 1`);
  return Number(v);
}

// ../../packages/fdt/src/addresses.ts
var MAX_CELLS = 4;
function cellsProp(fdt, node, name, dflt, min) {
  const p = node.prop(name);
  if (!p) return dflt;
  const v = fdt.getPropU32(node, name);
  if (v < min || v > MAX_CELLS)
    throw new FdtError(`${node.path}:${name}`, p.offset, `${v} is outside ${min}..${MAX_CELLS}`);
  return v;
}
function addressCells(fdt, node) {
  return cellsProp(fdt, node, "#address-cells", 2, 0);
}
function sizeCells(fdt, node) {
  return cellsProp(fdt, node, "#size-cells", 1, 0);
}
function regBig(fdt, node) {
  const p = node.prop("reg");
  if (!p) return [];
  const parent = node.parent;
  if (!parent)
    throw new FdtError("/:reg", p.offset, "the root node has no parent to give #address-cells");
  const ac = addressCells(fdt, parent);
  const sc = sizeCells(fdt, parent);
  const stride = (ac + sc) * 4;
  if (stride === 0)
    throw new FdtError(
      `${node.path}:reg`,
      p.offset,
      `parent ${parent.path} has #address-cells = #size-cells = 0`
    );
  if (p.value.length % stride !== 0)
    throw new FdtError(
      `${node.path}:reg`,
      p.offset,
      `length ${p.value.length} is not a multiple of ${stride} (#address-cells ${ac} + #size-cells ${sc})`
    );
  const cells = fdt.getPropCells(node, "reg");
  const out = [];
  for (let i = 0; i < cells.length; i += ac + sc)
    out.push({ address: join(cells, i, ac), size: join(cells, i + ac, sc) });
  return out;
}
function reg(fdt, node) {
  const off = node.prop("reg")?.offset ?? node.offset;
  return regBig(fdt, node).map((e) => ({
    address: toSafe(e.address, `${node.path}:reg`, off),
    size: toSafe(e.size, `${node.path}:reg`, off)
  }));
}
function join(cells, i, n) {
  let v = 0n;
  for (let k = 0; k < n; k++) v = v << 32n | BigInt(cells[i + k]);
  return v;
}

// ../../packages/fdt/src/header.ts
var FIELDS = [
  "magic",
  "totalsize",
  "off_dt_struct",
  "off_dt_strings",
  "off_mem_rsvmap",
  "version",
  "last_comp_version",
  "boot_cpuid_phys",
  "size_dt_strings",
  "size_dt_struct"
];
function err(i, reason) {
  return new FdtError(`header.${FIELDS[i]}`, i * 4, reason);
}
function parseHeader(b) {
  if (b.length < FDT_V16_HEADER_SIZE)
    throw new FdtError("header", 0, `buffer of ${b.length} bytes is shorter than a header (36)`);
  const w = (i) => be32(b, i * 4);
  if (w(0) !== FDT_MAGIC) throw err(0, `${hex(w(0))} is not the FDT magic 0xd00dfeed`);
  const version = w(5);
  const lastComp = w(6);
  if (version < FDT_FIRST_SUPPORTED_VERSION)
    throw err(5, `version ${version} is older than ${FDT_FIRST_SUPPORTED_VERSION}, unsupported`);
  if (lastComp > FDT_LAST_SUPPORTED_VERSION)
    throw err(
      6,
      `last_comp_version ${lastComp} is newer than ${FDT_LAST_SUPPORTED_VERSION}, unsupported`
    );
  if (lastComp > version) throw err(6, `last_comp_version ${lastComp} exceeds version ${version}`);
  const hdrSize = version >= 17 ? FDT_V17_HEADER_SIZE : FDT_V16_HEADER_SIZE;
  if (b.length < hdrSize)
    throw new FdtError(
      "header",
      0,
      `buffer of ${b.length} bytes is shorter than a v${version} header (${hdrSize})`
    );
  const totalsize = w(1);
  if (totalsize > b.length)
    throw err(1, `${hex(totalsize)} exceeds the buffer (${hex(b.length)} bytes)`);
  if (totalsize < hdrSize)
    throw err(1, `${hex(totalsize)} is smaller than the header (${hdrSize} bytes)`);
  const h = {
    magic: w(0),
    totalsize,
    offDtStruct: w(2),
    offDtStrings: w(3),
    offMemRsvmap: w(4),
    version,
    lastCompVersion: lastComp,
    bootCpuidPhys: w(7),
    sizeDtStrings: w(8),
    sizeDtStruct: version >= 17 ? w(9) : -1
  };
  checkBlock(2, h.offDtStruct, Math.max(h.sizeDtStruct, 0), hdrSize, totalsize, 4);
  if (h.sizeDtStruct >= 0 && h.sizeDtStruct % 4 !== 0)
    throw err(9, `${hex(h.sizeDtStruct)} is not a multiple of 4`);
  checkBlock(3, h.offDtStrings, h.sizeDtStrings, hdrSize, totalsize, 1);
  checkBlock(4, h.offMemRsvmap, 0, hdrSize, totalsize, 8);
  if (h.sizeDtStruct >= 0) {
    const s0 = h.offDtStruct;
    const s1 = s0 + h.sizeDtStruct;
    const t0 = h.offDtStrings;
    const t1 = t0 + h.sizeDtStrings;
    if (s0 < t1 && t0 < s1 && h.sizeDtStruct > 0 && h.sizeDtStrings > 0)
      throw err(
        3,
        `strings block [${hex(t0)}, ${hex(t1)}) overlaps struct block [${hex(s0)}, ${hex(s1)})`
      );
  }
  return h;
}
function checkBlock(i, off, size, hdr, total, align) {
  if (off < hdr) throw err(i, `${hex(off)} points into the header (${hdr} bytes)`);
  if (off % align !== 0) throw err(i, `${hex(off)} is not ${align}-byte aligned`);
  if (off > total) throw err(i, `${hex(off)} is past totalsize ${hex(total)}`);
  if (off + size > total) {
    const sizeField = i === 2 ? 9 : 8;
    throw err(
      sizeField,
      `block [${hex(off)}, ${hex(off + size)}) runs past totalsize ${hex(total)}`
    );
  }
}
function parseMemReserve(b, h) {
  const out = [];
  const blocks = [
    ["struct block", h.offDtStruct, h.offDtStruct + Math.max(h.sizeDtStruct, 0)],
    ["strings block", h.offDtStrings, h.offDtStrings + h.sizeDtStrings]
  ];
  for (let off = h.offMemRsvmap; ; off += FDT_RESERVE_ENTRY_SIZE) {
    const field = `mem_rsvmap[${out.length}]`;
    if (off + FDT_RESERVE_ENTRY_SIZE > h.totalsize)
      throw new FdtError(
        field,
        off,
        `entry runs past totalsize ${hex(h.totalsize)} (no terminator)`
      );
    for (const [what, s, e] of blocks)
      if (e > s && off < e && s < off + FDT_RESERVE_ENTRY_SIZE)
        throw new FdtError(field, off, `entry overlaps the ${what} [${hex(s)}, ${hex(e)})`);
    const address = be64(b, off);
    const size = be64(b, off + 8);
    if (address === 0n && size === 0n) return out;
    if (address + size > 0xffffffffffffffffn)
      throw new FdtError(
        field,
        off,
        `address ${hex(address)} + size ${hex(size)} overflows 64 bits`
      );
    out.push({ address, size });
  }
}

// ../../packages/fdt/src/interrupts.ts
function byPhandle(fdt, ph, field, off) {
  const n = fdt.nodeByPhandle(ph);
  if (!n) throw new FdtError(field, off, `phandle ${hex(ph)} names no node`);
  return n;
}
function interruptCells(fdt, ctrl, field, off) {
  const v = fdt.getPropU32(ctrl, "#interrupt-cells");
  if (v === void 0)
    throw new FdtError(field, off, `interrupt controller ${ctrl.path} has no #interrupt-cells`);
  if (v > 16)
    throw new FdtError(
      `${ctrl.path}:#interrupt-cells`,
      ctrl.prop("#interrupt-cells").offset,
      `${v} is implausibly large`
    );
  return v;
}
function interruptParent(fdt, node) {
  for (let n = node; n; n = n.parent) {
    const p = n.prop("interrupt-parent");
    if (p)
      return byPhandle(
        fdt,
        fdt.getPropU32(n, "interrupt-parent"),
        `${n.path}:interrupt-parent`,
        p.offset
      );
  }
  return void 0;
}
function interrupts(fdt, node) {
  const ext = node.prop("interrupts-extended");
  const out = [];
  if (ext) {
    const field2 = `${node.path}:interrupts-extended`;
    const cells2 = fdt.getPropCells(node, "interrupts-extended");
    for (let i = 0; i < cells2.length; ) {
      const parent2 = byPhandle(fdt, cells2[i], field2, ext.offset);
      const n2 = interruptCells(fdt, parent2, field2, ext.offset);
      if (i + 1 + n2 > cells2.length)
        throw new FdtError(
          field2,
          ext.offset,
          `entry ${out.length} for ${parent2.path} needs ${n2} cells, ${cells2.length - i - 1} left`
        );
      out.push({ parent: parent2, cells: cells2.slice(i + 1, i + 1 + n2) });
      i += 1 + n2;
    }
    return out;
  }
  const p = node.prop("interrupts");
  if (!p) return out;
  const field = `${node.path}:interrupts`;
  const parent = interruptParent(fdt, node);
  if (!parent)
    throw new FdtError(field, p.offset, "no interrupt-parent on the node or its ancestors");
  const n = interruptCells(fdt, parent, field, p.offset);
  const cells = fdt.getPropCells(node, "interrupts");
  if (n === 0 || cells.length % n !== 0)
    throw new FdtError(
      field,
      p.offset,
      `${cells.length} cells do not divide into specifiers of ${n} (#interrupt-cells of ${parent.path})`
    );
  for (let i = 0; i < cells.length; i += n) out.push({ parent, cells: cells.slice(i, i + n) });
  return out;
}
function interruptMap(fdt, node) {
  const p = node.prop("interrupt-map");
  if (!p) return [];
  const field = `${node.path}:interrupt-map`;
  const ac = fdt.addressCells(node);
  const ic = interruptCells(fdt, node, field, p.offset);
  const cells = fdt.getPropCells(node, "interrupt-map");
  const out = [];
  for (let i = 0; i < cells.length; ) {
    if (i + ac + ic + 1 > cells.length)
      throw new FdtError(field, p.offset, `row ${out.length} is truncated`);
    const childAddress = cells.slice(i, i + ac);
    const childSpecifier = cells.slice(i + ac, i + ac + ic);
    i += ac + ic;
    const parent = byPhandle(fdt, cells[i++], field, p.offset);
    const pac = parent.prop("#address-cells") ? fdt.addressCells(parent) : 0;
    const pic = interruptCells(fdt, parent, field, p.offset);
    if (i + pac + pic > cells.length)
      throw new FdtError(field, p.offset, `row ${out.length} is truncated`);
    out.push({
      childAddress,
      childSpecifier,
      parent,
      parentAddress: cells.slice(i, i + pac),
      parentSpecifier: cells.slice(i + pac, i + pac + pic)
    });
    i += pac + pic;
  }
  return out;
}

// ../../packages/fdt/src/node.ts
var FdtNode = class {
  /** @internal */
  constructor(fdt, index, rec) {
    this.fdt = fdt;
    this.index = index;
    this.rec = rec;
  }
  fdt;
  index;
  rec;
  /** Offset of the node's FDT_BEGIN_NODE token (libfdt's node offset). */
  get offset() {
    return this.rec.offset;
  }
  /** Full name, e.g. `serial@10000000` (empty for the root). */
  get name() {
    return this.rec.name;
  }
  /** Name without the unit address, e.g. `serial`. */
  get nodeName() {
    const at = this.rec.name.indexOf("@");
    return at < 0 ? this.rec.name : this.rec.name.slice(0, at);
  }
  /** Unit address text after '@' (e.g. `10000000`), or undefined. */
  get unitAddress() {
    const at = this.rec.name.indexOf("@");
    return at < 0 ? void 0 : this.rec.name.slice(at + 1);
  }
  /** Absolute path, e.g. `/soc/serial@10000000`; the root is `/`. */
  get path() {
    return this.rec.path;
  }
  /** Nesting depth: 0 for the root. */
  get depth() {
    return this.rec.depth;
  }
  /** Parent node, undefined for the root. */
  get parent() {
    return this.rec.parent < 0 ? void 0 : this.fdt.nodeAt(this.rec.parent);
  }
  /** Child nodes in blob order. */
  get children() {
    return this.rec.children.map((i) => this.fdt.nodeAt(i));
  }
  /** Child by full name (`cpu@0`), or undefined. */
  child(name) {
    for (const i of this.rec.children)
      if (this.fdt.nodeAt(i).name === name) return this.fdt.nodeAt(i);
    return void 0;
  }
  /** Properties in blob order. */
  get props() {
    return this.rec.props.map((p) => this.toProp(p));
  }
  /** Property by name, or undefined. */
  prop(name) {
    for (const p of this.rec.props) if (p.name === name) return this.toProp(p);
    return void 0;
  }
  toProp(p) {
    return {
      name: p.name,
      value: this.fdt.bytes.subarray(p.valueOffset, p.valueOffset + p.len),
      offset: p.offset
    };
  }
};

// ../../packages/fdt/src/platform.ts
function available(fdt, n) {
  const s = n.prop("status") && fdt.getPropString(n, "status");
  return s === void 0 || s === "okay" || s === "ok";
}
function memory(fdt) {
  const out = [];
  for (const n of fdt.root.children) {
    if (!n.prop("device_type") || fdt.getPropString(n, "device_type") !== "memory") continue;
    if (!available(fdt, n)) continue;
    for (const r of reg(fdt, n)) out.push({ node: n, ...r });
  }
  return out;
}
function chosen(fdt) {
  const node = fdt.root.child("chosen");
  if (!node) return {};
  const out = { node };
  if (node.prop("bootargs")) out.bootargs = fdt.getPropString(node, "bootargs");
  if (node.prop("stdout-path")) {
    out.stdoutPath = fdt.getPropString(node, "stdout-path");
    out.stdout = fdt.pathOffset(out.stdoutPath.split(":")[0]);
  }
  const s = node.prop("linux,initrd-start");
  const e = node.prop("linux,initrd-end");
  if (s || e) {
    if (!s || !e)
      throw new FdtError(
        `${node.path}:linux,initrd-${s ? "end" : "start"}`,
        (s ?? e).offset,
        "initrd-start and initrd-end must come together"
      );
    out.initrdStart = propNumber(node, s);
    out.initrdEnd = propNumber(node, e);
    if (out.initrdEnd < out.initrdStart)
      throw new FdtError(
        `${node.path}:linux,initrd-end`,
        e.offset,
        `end ${hex(out.initrdEnd)} is below start ${hex(out.initrdStart)}`
      );
  }
  const seed = node.prop("rng-seed");
  if (seed) out.rngSeed = seed.value;
  return out;
}
function reservedMemory(fdt) {
  const rm = fdt.root.child("reserved-memory");
  if (!rm) return [];
  const out = [];
  for (const n of rm.children) {
    if (!available(fdt, n)) continue;
    const r = {
      node: n,
      name: n.name,
      regions: reg(fdt, n),
      noMap: !!n.prop("no-map"),
      reusable: !!n.prop("reusable")
    };
    const size = n.prop("size");
    if (size) r.size = propNumber(n, size);
    const align = n.prop("alignment");
    if (align) r.alignment = propNumber(n, align);
    if (n.prop("compatible")) r.compatible = fdt.getPropStringList(n, "compatible");
    out.push(r);
  }
  return out;
}

// ../../packages/fdt/src/struct.ts
var align4 = (n) => n + 3 & ~3;
function walkStruct(b, h) {
  const start = h.offDtStruct;
  const end = h.sizeDtStruct >= 0 ? start + h.sizeDtStruct : h.totalsize;
  const nodes = [];
  const stack = [];
  let rootDone = false;
  let off = start;
  for (; ; ) {
    if (off + 4 > end)
      throw new FdtError(
        "struct",
        off,
        `token runs past the end of the struct block (${hex(end)})${stack.length ? ` inside ${nodes[stack[stack.length - 1]].path}` : ""}`
      );
    const tag = be32(b, off);
    if (tag === FDT_BEGIN_NODE) {
      if (rootDone)
        throw new FdtError("struct", off, "second top-level node after the root node closed");
      const nameStart = off + 4;
      const nul = findNul(b, nameStart, Math.min(end, nameStart + FDT_MAX_NAME + 1));
      if (nul < 0)
        throw new FdtError(
          "struct",
          nameStart,
          `node name not NUL-terminated within ${FDT_MAX_NAME} bytes or the struct block`
        );
      const next = align4(nul + 1);
      if (next > end)
        throw new FdtError(
          "struct",
          nameStart,
          `node name padding runs past the end of the struct block (${hex(end)})`
        );
      const name = ascii(b, nameStart, nul);
      const parent = stack.length ? stack[stack.length - 1] : -1;
      if (parent < 0) {
        if (name !== "")
          throw new FdtError("struct", nameStart, `root node name must be empty, found "${name}"`);
      } else {
        checkName(name, "node", nameStart, nodes[parent].path);
        const p = nodes[parent];
        for (const c of p.children)
          if (nodes[c].name === name)
            throw new FdtError("struct", off, `duplicate node name "${name}" under ${p.path}`);
      }
      if (stack.length >= FDT_MAX_DEPTH)
        throw new FdtError("struct", off, `nesting deeper than ${FDT_MAX_DEPTH} levels`);
      const path = parent < 0 ? "/" : nodes[parent].path === "/" ? `/${name}` : `${nodes[parent].path}/${name}`;
      const idx = nodes.length;
      nodes.push({ offset: off, name, path, parent, depth: stack.length, children: [], props: [] });
      if (parent >= 0) nodes[parent].children.push(idx);
      stack.push(idx);
      off = next;
    } else if (tag === FDT_END_NODE) {
      if (!stack.length)
        throw new FdtError("struct", off, "FDT_END_NODE without a matching FDT_BEGIN_NODE");
      stack.pop();
      if (!stack.length) rootDone = true;
      off += 4;
    } else if (tag === FDT_PROP) {
      if (!stack.length) throw new FdtError("struct", off, "FDT_PROP outside any node");
      off = readProp(b, h, off, end, nodes[stack[stack.length - 1]]);
    } else if (tag === FDT_NOP) {
      off += 4;
    } else if (tag === FDT_END) {
      if (stack.length)
        throw new FdtError(
          "struct",
          off,
          `FDT_END while ${nodes[stack[stack.length - 1]].path} is still open (depth ${stack.length})`
        );
      if (!rootDone) throw new FdtError("struct", off, "FDT_END before any root node");
      if (h.sizeDtStruct >= 0 && off + 4 !== end)
        throw new FdtError(
          "struct",
          off,
          `FDT_END ends the tree at ${hex(off + 4)} but size_dt_struct ends the block at ${hex(end)}`
        );
      return { nodes, structSize: off + 4 - start };
    } else {
      throw new FdtError("struct", off, `unknown token ${hex(tag)}`);
    }
  }
}
function readProp(b, h, off, end, node) {
  if (off + 12 > end)
    throw new FdtError(
      "struct",
      off,
      `property header runs past the end of the struct block (${hex(end)}) in ${node.path}`
    );
  const len = be32(b, off + 4);
  const nameoff = be32(b, off + 8);
  if (node.children.length)
    throw new FdtError("struct", off, `property after subnode in ${node.path}`);
  if (nameoff >= h.sizeDtStrings)
    throw new FdtError(
      "struct",
      off + 8,
      `property nameoff ${hex(nameoff)} is outside the strings block (${hex(h.sizeDtStrings)} bytes) in ${node.path}`
    );
  const s0 = h.offDtStrings + nameoff;
  const nul = findNul(b, s0, Math.min(h.offDtStrings + h.sizeDtStrings, s0 + FDT_MAX_NAME + 1));
  if (nul < 0)
    throw new FdtError(
      "strings",
      s0,
      `property name at nameoff ${hex(nameoff)} is not NUL-terminated within the strings block (in ${node.path})`
    );
  const name = ascii(b, s0, nul);
  checkName(name, "property", s0, node.path);
  const valueEnd = off + 12 + len;
  if (len > end || valueEnd > end)
    throw new FdtError(
      "struct",
      off + 4,
      `property ${node.path}:${name} length ${hex(len)} runs past the end of the struct block (${hex(end)})`
    );
  for (const p of node.props)
    if (p.name === name)
      throw new FdtError("struct", off, `duplicate property ${node.path}:${name}`);
  node.props.push({ name, offset: off, valueOffset: off + 12, len });
  return align4(valueEnd);
}
function findNul(b, from, to) {
  for (let i = from; i < to; i++) if (b[i] === 0) return i;
  return -1;
}
function ascii(b, from, to) {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]);
  return s;
}
function checkName(name, what, off, where2) {
  if (!name.length)
    throw new FdtError(
      what === "node" ? "struct" : "strings",
      off,
      `empty ${what} name in ${where2}`
    );
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 47)
      throw new FdtError(
        what === "node" ? "struct" : "strings",
        off + i,
        `${what} name "${printable(name)}" in ${where2} has invalid character ${hex(c)}`
      );
  }
}
function printable(s) {
  return s.replace(/[^\x21-\x7e]/g, "?");
}

// ../../packages/fdt/src/fdt.ts
var Fdt = class _Fdt {
  /** The blob, cut to `totalsize` (a view of the caller's buffer, never a copy). */
  bytes;
  header;
  /** The memory reservation block (/memreserve/ entries), terminator excluded. */
  memReserve;
  handles;
  phandles = /* @__PURE__ */ new Map();
  constructor(bytes, header, rsv, table) {
    this.bytes = bytes;
    this.header = header;
    this.memReserve = rsv;
    this.handles = table.map((rec, i) => new FdtNode(this, i, rec));
    this.indexPhandles();
  }
  /**
   * Validates `blob` completely and opens it.
   * @returns the tree; throws {@link FdtError} naming the field, offset and reason of the first malformation.
   */
  static open(blob) {
    const h = parseHeader(blob);
    const bytes = blob.subarray(0, h.totalsize);
    const { nodes, structSize } = walkStruct(bytes, h);
    if (h.sizeDtStruct < 0) {
      h.sizeDtStruct = structSize;
      const s0 = h.offDtStruct;
      const t0 = h.offDtStrings;
      if (h.sizeDtStrings > 0 && s0 < t0 + h.sizeDtStrings && t0 < s0 + structSize)
        throw new FdtError(
          "header.off_dt_strings",
          12,
          `strings block overlaps the struct block [${hex(s0)}, ${hex(s0 + structSize)})`
        );
    }
    const rsv = parseMemReserve(bytes, h);
    return new _Fdt(bytes, h, rsv, nodes);
  }
  indexPhandles() {
    for (const n of this.handles) {
      let value = -1;
      for (const pname of ["phandle", "linux,phandle"]) {
        const p = n.prop(pname);
        if (!p) continue;
        const v = propU32(n, p);
        if (v === 0 || v === 4294967295)
          throw new FdtError(`${n.path}:${pname}`, p.offset, `${hex(v)} is not a valid phandle`);
        if (value >= 0 && v !== value)
          throw new FdtError(
            `${n.path}:${pname}`,
            p.offset,
            `${hex(v)} disagrees with phandle ${hex(value)}`
          );
        value = v;
      }
      if (value < 0) continue;
      const other = this.phandles.get(value);
      if (other !== void 0)
        throw new FdtError(
          `${n.path}:phandle`,
          n.prop("phandle")?.offset ?? n.offset,
          `phandle ${hex(value)} is also used by ${this.handles[other].path}`
        );
      this.phandles.set(value, n.index);
    }
  }
  /** The root node `/`. */
  get root() {
    return this.handles[0];
  }
  /** Number of nodes. */
  get nodeCount() {
    return this.handles.length;
  }
  /** @internal Node by table index. */
  nodeAt(i) {
    return this.handles[i];
  }
  /** Every node in blob (depth-first) order. */
  nodes() {
    return this.handles;
  }
  /**
   * Looks a node up by path (libfdt fdt_path_offset): `/soc/serial@10000000`; a component without
   * `@` also matches `name@addr`; a path not starting with `/` begins with an alias from `/aliases`.
   * @returns the node, or undefined when no node matches.
   */
  pathOffset(path) {
    let node = this.root;
    let rest = path;
    if (!path.startsWith("/")) {
      const slash = path.indexOf("/");
      const alias = slash < 0 ? path : path.slice(0, slash);
      const aliases = this.root.child("aliases");
      const p = aliases?.prop(alias);
      if (!aliases || !p) return void 0;
      const target = propString(aliases, p);
      if (!target.startsWith("/")) return void 0;
      node = this.pathOffset(target);
      rest = slash < 0 ? "" : path.slice(slash);
    }
    for (const part of rest.split("/")) {
      if (!part || !node) continue;
      node = node.child(part) ?? (part.includes("@") ? void 0 : node.children.find((c) => c.nodeName === part));
    }
    return node;
  }
  /** Like {@link pathOffset} but throws FdtError when the node does not exist. */
  getNode(path) {
    const n = this.pathOffset(path);
    if (!n) throw new FdtError(path, -1, "no such node");
    return n;
  }
  /** Raw value of a property (a view into the blob), or undefined. */
  getProp(node, name) {
    return node.prop(name)?.value;
  }
  /** One-cell property, or undefined; throws FdtError when its length is not 4. */
  getPropU32(node, name) {
    const p = node.prop(name);
    return p && propU32(node, p);
  }
  /** Two-cell property as a bigint, or undefined; throws FdtError when its length is not 8. */
  getPropU64(node, name) {
    const p = node.prop(name);
    return p && propU64(node, p);
  }
  /** Array of cells, or undefined; throws FdtError when the length is not a multiple of 4. */
  getPropCells(node, name) {
    const p = node.prop(name);
    return p && propCells(node, p);
  }
  /** Single NUL-terminated string, or undefined; throws FdtError when malformed. */
  getPropString(node, name) {
    const p = node.prop(name);
    return p && propString(node, p);
  }
  /** String list (`compatible`), or undefined; throws FdtError when malformed. */
  getPropStringList(node, name) {
    const p = node.prop(name);
    return p && propStringList(node, p);
  }
  /** Nodes whose `compatible` list contains `compat`, in blob order (libfdt fdt_node_offset_by_compatible). */
  findByCompatible(compat) {
    return this.handles.filter((n) => this.getPropStringList(n, "compatible")?.includes(compat));
  }
  /** Node owning `phandle`, or undefined (libfdt fdt_node_offset_by_phandle). */
  nodeByPhandle(phandle) {
    const i = this.phandles.get(phandle);
    return i === void 0 ? void 0 : this.handles[i];
  }
  /** The node's phandle, or undefined. */
  phandleOf(node) {
    const p = node.prop("phandle") ?? node.prop("linux,phandle");
    return p && be32(p.value, 0);
  }
  /** The node's own `#address-cells` (2 when absent); throws FdtError outside 0..4. */
  addressCells(node) {
    return addressCells(this, node);
  }
  /** The node's own `#size-cells` (1 when absent); throws FdtError outside 0..4. */
  sizeCells(node) {
    return sizeCells(this, node);
  }
  /** `reg` decoded with the parent's cell sizes, as numbers (FdtError above 2^53 - 1). */
  reg(node) {
    return reg(this, node);
  }
  /** `reg` decoded with the parent's cell sizes, as bigints. */
  regBig(node) {
    return regBig(this, node);
  }
  /** The effective interrupt parent (nearest `interrupt-parent` up the tree), or undefined. */
  interruptParent(node) {
    return interruptParent(this, node);
  }
  /** `interrupts-extended`, else `interrupts` against the interrupt parent; [] when neither. */
  interrupts(node) {
    return interrupts(this, node);
  }
  /** `interrupt-map` rows; [] when absent. */
  interruptMap(node) {
    return interruptMap(this, node);
  }
  /** RAM regions from the available `device_type = "memory"` nodes. */
  memory() {
    return memory(this);
  }
  /** `/chosen`: bootargs, stdout-path (and its node), initrd range, rng-seed. */
  chosen() {
    return chosen(this);
  }
  /** Available `/reserved-memory` children. */
  reservedMemory() {
    return reservedMemory(this);
  }
};

// ../../platforms/qemu-riscv/src/isa/memmap.ts
var VIRT_TEST = 1048576;
var VIRT_UART0 = 268435456;
var FINISHER_FAIL = 13107;
var FINISHER_PASS = 21845;
var FINISHER_RESET = 30583;

// ../../platforms/qemu-riscv/src/isa/sbi.ts
var SBI_EXT_LEGACY_CONSOLE_PUTCHAR = 1;
var SBI_EXT_TIME = 1414090053;
var SBI_EXT_SRST = 1397904212;
var SBI_TIME_SET_TIMER = 0;
var SBI_SRST_SYSTEM_RESET = 0;
var SBI_SRST_TYPE_SHUTDOWN = 0;
var SBI_SRST_TYPE_COLD_REBOOT = 1;
var SBI_SRST_REASON_NONE = 0;
var SBI_SRST_REASON_SYSFAIL = 1;

// ../../platforms/qemu-riscv/src/plat/early.ts
function earlyPuts(hart, s) {
  for (const b of new TextEncoder().encode(s)) {
    if (hart.mode === "S") hart.ecall(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, b);
    else hart.store8(VIRT_UART0, b);
  }
}
function earlyPanic(hart, reason) {
  earlyPuts(hart, `PANIC (early): ${reason}
`);
  if (hart.mode === "S")
    hart.ecall(
      SBI_EXT_SRST,
      SBI_SRST_SYSTEM_RESET,
      SBI_SRST_TYPE_SHUTDOWN,
      SBI_SRST_REASON_SYSFAIL
    );
  else hart.store32(VIRT_TEST, (1 << 16 | FINISHER_FAIL) >>> 0);
  throw new Error(`early panic did not stop the machine: ${reason}`);
}

// ../../platforms/qemu-riscv/src/plat/devices.ts
function toDevNode(fdt, n) {
  let irqs = [];
  try {
    irqs = fdt.interrupts(n).map((i) => i.cells[0]);
  } catch {
  }
  return {
    path: n.path,
    name: n.name,
    compatible: fdt.getPropStringList(n, "compatible") ?? [],
    reg: fdt.reg(n).map((r) => ({ addr: r.address, size: r.size })),
    interrupts: irqs,
    prop: (name) => fdt.getProp(n, name)
  };
}
var PlatDevices = class {
  constructor(hart, fdt) {
    this.hart = hart;
    this.fdt = fdt;
  }
  hart;
  fdt;
  cache = null;
  all() {
    this.cache ??= this.fdt.nodes().filter((n) => n.prop("compatible")).map((n) => toDevNode(this.fdt, n));
    return this.cache;
  }
  find(compatible) {
    return this.all().filter((d) => d.compatible.includes(compatible));
  }
  read(addr, width) {
    return width === 1 ? this.hart.load8(addr) : width === 2 ? this.hart.load16(addr) : this.hart.load32(addr);
  }
  write(addr, width, value) {
    if (width === 1) this.hart.store8(addr, value);
    else if (width === 2) this.hart.store16(addr, value);
    else this.hart.store32(addr, value);
  }
};

// ../../packages/errno/src/index.ts
var Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDOM: 33,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOMSG: 42,
  EOVERFLOW: 75,
  EILSEQ: 84,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
  ECANCELED: 125,
  EOWNERDEAD: 130,
  ENOTRECOVERABLE: 131
};
var names = new Map(
  Object.entries(Errno).map(([k, v]) => [v, k])
);
function errnoName(code) {
  return names.get(Math.abs(code)) ?? `E?${Math.abs(code)}`;
}
var RkError = class extends Error {
  errno;
  constructor(errno, message) {
    super(message ? `${errnoName(errno)}: ${message}` : errnoName(errno));
    this.name = "RkError";
    this.errno = Math.abs(errno);
  }
};

// ../../platforms/qemu-riscv/src/plat/irq.ts
var PlatIrq = class {
  constructor(plic) {
    this.plic = plic;
    this.counts = new Array(plic.ndev + 1).fill(0);
  }
  plic;
  chains = /* @__PURE__ */ new Map();
  counts;
  /** Interrupts claimed that no handler accepted. */
  spurious = 0;
  register(irq, handler) {
    if (!Number.isInteger(irq) || irq < 1 || irq > this.plic.ndev) return -Errno.EINVAL;
    const chain = this.chains.get(irq) ?? [];
    chain.push(handler);
    this.chains.set(irq, chain);
    if (chain.length === 1) this.plic.enable(irq);
    return 0;
  }
  unregister(irq, handler) {
    const chain = this.chains.get(irq);
    const i = chain?.indexOf(handler) ?? -1;
    if (!chain || i < 0) return -Errno.ENOENT;
    chain.splice(i, 1);
    if (chain.length === 0) {
      this.chains.delete(irq);
      this.plic.disable(irq);
    }
    return 0;
  }
  count(irq) {
    return this.counts[irq] ?? 0;
  }
  /** External-interrupt trap: claims and dispatches until the PLIC has nothing pending for us. */
  dispatchExternal() {
    for (let irq = this.plic.claim(); irq !== 0; irq = this.plic.claim()) {
      this.counts[irq] = (this.counts[irq] ?? 0) + 1;
      let handled = false;
      for (const h of this.chains.get(irq) ?? []) if (handled = h(irq)) break;
      if (!handled) this.spurious++;
      this.plic.complete(irq);
    }
  }
};

// ../../platforms/qemu-riscv/src/plat/lcpu.ts
var PlatLcpu = class {
  constructor(hart, timer, ncpus) {
    this.hart = hart;
    this.timer = timer;
    this.ncpus = ncpus;
    this.statusCsr = hart.mode === "M" ? CSR_MSTATUS : CSR_SSTATUS;
    this.ieBit = hart.mode === "M" ? MSTATUS_MIE : SSTATUS_SIE;
  }
  hart;
  timer;
  ncpus;
  statusCsr;
  ieBit;
  /** Times the hart halted (wfi). */
  halts = 0;
  id() {
    return this.hart.hartid;
  }
  count() {
    return this.ncpus;
  }
  async halt() {
    this.halts++;
    await this.hart.wfi();
  }
  async haltUntil(deadlineNs) {
    if (this.timer.nowNs() >= deadlineNs) {
      this.hart.poll();
      return;
    }
    this.timer.setHaltDeadline(deadlineNs);
    try {
      this.halts++;
      await this.hart.wfi();
    } finally {
      this.timer.setHaltDeadline(Number.POSITIVE_INFINITY);
    }
  }
  irqEnable() {
    this.hart.csrs(this.statusCsr, this.ieBit);
  }
  irqDisable() {
    this.hart.csrc(this.statusCsr, this.ieBit);
  }
  irqSave() {
    return this.hart.csrc(this.statusCsr, this.ieBit) & this.ieBit;
  }
  irqRestore(flags) {
    if (flags & this.ieBit) this.hart.csrs(this.statusCsr, this.ieBit);
  }
  irqsDisabled() {
    return (this.hart.csrr(this.statusCsr) & this.ieBit) === 0;
  }
  poll() {
    return this.hart.poll();
  }
};

// ../../platforms/qemu-riscv/src/plat/memregions.ts
function computeRegions(ram, used) {
  const out = [];
  for (const r of ram) {
    const end = r.base + r.size;
    const inside = used.map((u) => ({ ...u, lo: Math.max(u.base, r.base), hi: Math.min(u.base + u.size, end) })).filter((u) => u.hi > u.lo).sort((a, b) => a.lo - b.lo);
    let cur = r.base;
    for (const u of inside) {
      if (u.hi <= cur) continue;
      const lo = Math.max(u.lo, cur);
      if (lo > cur) out.push({ pbase: cur, len: lo - cur, type: "free", name: "memory" });
      out.push({ pbase: lo, len: u.hi - lo, type: u.type, name: u.name });
      cur = u.hi;
    }
    if (end > cur) out.push({ pbase: cur, len: end - cur, type: "free", name: "memory" });
  }
  return out.sort((a, b) => a.pbase - b.pbase);
}

// ../../platforms/qemu-riscv/src/plat/plic.ts
var PRIORITY = 0;
var ENABLE = 8192;
var ENABLE_STRIDE = 128;
var CONTEXT = 2097152;
var CONTEXT_STRIDE = 4096;
var PlicDriver = class {
  constructor(hart, base, context, ndev) {
    this.hart = hart;
    this.base = base;
    this.context = context;
    this.ndev = ndev;
  }
  hart;
  base;
  context;
  ndev;
  init() {
    for (let w = 0; w < Math.ceil(this.ndev / 32); w++) this.hart.store32(this.enableAddr(w), 0);
    this.hart.store32(this.base + CONTEXT + CONTEXT_STRIDE * this.context, 0);
  }
  enableAddr(word) {
    return this.base + ENABLE + ENABLE_STRIDE * this.context + 4 * word;
  }
  enable(irq) {
    this.hart.store32(this.base + PRIORITY + 4 * irq, 1);
    const a = this.enableAddr(irq >>> 5);
    this.hart.store32(a, (this.hart.load32(a) | 1 << (irq & 31)) >>> 0);
  }
  disable(irq) {
    const a = this.enableAddr(irq >>> 5);
    this.hart.store32(a, (this.hart.load32(a) & ~(1 << (irq & 31))) >>> 0);
  }
  /** @returns the highest-priority pending source (now claimed), or 0. */
  claim() {
    return this.hart.load32(this.base + CONTEXT + CONTEXT_STRIDE * this.context + 4);
  }
  complete(irq) {
    this.hart.store32(this.base + CONTEXT + CONTEXT_STRIDE * this.context + 4, irq);
  }
};

// ../../platforms/qemu-riscv/src/plat/power.ts
var PowerOffFailed = class extends Error {
  constructor(what) {
    super(`${what} did not stop the machine`);
    this.name = "PowerOffFailed";
  }
};
var PlatPower = class {
  constructor(hart, finisher) {
    this.hart = hart;
    this.finisher = finisher;
  }
  hart;
  finisher;
  shutdown(status) {
    const code = status & 65535;
    if (code !== 0 && this.finisher !== null) {
      this.hart.store32(this.finisher, (code << 16 | FINISHER_FAIL) >>> 0);
    } else if (this.hart.mode === "S") {
      const reason = code === 0 ? SBI_SRST_REASON_NONE : SBI_SRST_REASON_SYSFAIL;
      this.hart.ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN, reason);
    } else if (this.finisher !== null) {
      this.hart.store32(this.finisher, FINISHER_PASS);
    }
    throw new PowerOffFailed("shutdown");
  }
  restart() {
    if (this.hart.mode === "S")
      this.hart.ecall(
        SBI_EXT_SRST,
        SBI_SRST_SYSTEM_RESET,
        SBI_SRST_TYPE_COLD_REBOOT,
        SBI_SRST_REASON_NONE
      );
    else if (this.finisher !== null) this.hart.store32(this.finisher, FINISHER_RESET);
    throw new PowerOffFailed("restart");
  }
  crash(status = 1) {
    return this.shutdown(status === 0 ? 1 : status);
  }
};

// ../../platforms/qemu-riscv/src/plat/rtc.ts
var TIME_LOW = 0;
var TIME_HIGH = 4;
function readGoldfishRtc(hart, base) {
  const lo = hart.load32(base + TIME_LOW) >>> 0;
  const hi = hart.load32(base + TIME_HIGH) >>> 0;
  return BigInt(hi) << 32n | BigInt(lo);
}

// ../../platforms/qemu-riscv/src/plat/timer.ts
var NEVER = Number.MAX_SAFE_INTEGER;
var PlatTimer = class {
  constructor(hart, hw, freq) {
    this.hart = hart;
    this.hw = hw;
    this.freq = freq;
    this.nsPerTickInt = 1e9 % freq === 0 ? 1e9 / freq : 0;
    this.bootTicks = hart.csrr(CSR_TIME);
  }
  hart;
  hw;
  freq;
  nsPerTickInt;
  handler = null;
  timerDeadline = NEVER;
  haltDeadline = NEVER;
  bootTicks;
  /** Nanoseconds since boot. */
  nowNs() {
    return this.ticksToNs(this.hart.csrr(CSR_TIME) - this.bootTicks);
  }
  ticksToNs(t) {
    if (this.nsPerTickInt) return t * this.nsPerTickInt;
    return Math.floor(t / this.freq) * 1e9 + Math.floor(t % this.freq * 1e9 / this.freq);
  }
  nsToTicks(ns) {
    if (this.nsPerTickInt) return Math.ceil(ns / this.nsPerTickInt);
    return Math.floor(ns / 1e9) * this.freq + Math.ceil(ns % 1e9 * this.freq / 1e9);
  }
  get resolutionNs() {
    return this.nsPerTickInt || Math.ceil(1e9 / this.freq);
  }
  init() {
    this.program(NEVER);
    if (this.hw.kind === "clint") this.hart.csrs(CSR_MIE, MIP_MTIP);
    else this.hart.csrs(CSR_SIE, MIP_STIP);
  }
  set(deadlineNs, handler) {
    this.handler = handler;
    this.timerDeadline = deadlineNs;
    this.reprogram();
  }
  cancel() {
    this.handler = null;
    this.timerDeadline = NEVER;
    this.reprogram();
  }
  /** Arms the halt wake-up; NEVER (or Infinity) disarms it. */
  setHaltDeadline(ns) {
    this.haltDeadline = Number.isFinite(ns) ? ns : NEVER;
    this.reprogram();
  }
  /** Timer interrupt: runs the kernel's handler if its deadline passed, then re-arms. */
  handleIrq() {
    const now = this.nowNs();
    if (this.haltDeadline <= now) this.haltDeadline = NEVER;
    if (this.timerDeadline <= now) {
      const h = this.handler;
      this.timerDeadline = NEVER;
      this.handler = null;
      this.reprogram();
      h?.();
      return;
    }
    this.reprogram();
  }
  reprogram() {
    const d = Math.min(this.timerDeadline, this.haltDeadline);
    this.program(d >= NEVER ? NEVER : this.bootTicks + this.nsToTicks(Math.max(0, d)));
  }
  program(ticks) {
    switch (this.hw.kind) {
      case "clint": {
        const a = this.hw.mtimecmp;
        const hi = ticks >= NEVER ? 4294967295 : Math.floor(ticks / 2 ** 32);
        const lo = ticks >= NEVER ? 4294967295 : ticks >>> 0;
        this.hart.store32(a + 4, 4294967295);
        this.hart.store32(a, lo);
        this.hart.store32(a + 4, hi);
        return;
      }
      case "sstc":
        this.hart.csrw(CSR_STIMECMP, ticks);
        return;
      case "sbi":
        this.hart.ecall(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ticks);
        return;
    }
  }
};

// ../../platforms/qemu-riscv/src/plat/uart.ts
var RBR_THR = 0;
var IER = 1;
var FCR = 2;
var LCR = 3;
var MCR = 4;
var LSR = 5;
var LSR_DR = 1;
var LSR_THRE = 32;
var IER_RDI = 1;
var RX_RING = 4096;
var Ns16550Console = class {
  constructor(hart, base) {
    this.hart = hart;
    this.base = base;
  }
  hart;
  base;
  rx = new Uint8Array(RX_RING);
  rxHead = 0;
  rxCount = 0;
  listener = null;
  /** Input bytes dropped because the ring was full. */
  overruns = 0;
  /** 8N1, FIFO on, OUT2 (interrupt line gate on PCs; harmless here), receive interrupts on. */
  init() {
    this.hart.store8(this.base + LCR, 3);
    this.hart.store8(this.base + FCR, 1);
    this.hart.store8(this.base + MCR, 8);
    this.hart.store8(this.base + IER, IER_RDI);
  }
  putBytes(bytes) {
    for (let i = 0; i < bytes.length; i++) {
      while ((this.hart.load8(this.base + LSR) & LSR_THRE) === 0) {
      }
      this.hart.store8(this.base + RBR_THR, bytes[i]);
    }
    return bytes.length;
  }
  /** IRQ handler: drains every received byte into the ring. @returns true if a byte was read. */
  handleIrq() {
    let got = false;
    while (this.hart.load8(this.base + LSR) & LSR_DR) {
      const b = this.hart.load8(this.base + RBR_THR);
      got = true;
      if (this.rxCount === RX_RING) {
        this.overruns++;
        continue;
      }
      this.rx[(this.rxHead + this.rxCount) % RX_RING] = b;
      this.rxCount++;
    }
    if (got) this.listener?.();
    return got;
  }
  read(buf) {
    const n = Math.min(buf.length, this.rxCount);
    for (let i = 0; i < n; i++) buf[i] = this.rx[(this.rxHead + i) % RX_RING];
    this.rxHead = (this.rxHead + n) % RX_RING;
    this.rxCount -= n;
    return n;
  }
  onInput(listener) {
    this.listener = listener;
  }
};

// ../../platforms/qemu-riscv/src/plat/platform.ts
var EXC_NAMES = {
  0: "instruction address misaligned",
  1: "instruction access fault",
  2: "illegal instruction",
  3: "breakpoint",
  4: "load address misaligned",
  5: "load access fault",
  6: "store address misaligned",
  7: "store access fault",
  8: "ecall from U-mode",
  9: "ecall from S-mode",
  11: "ecall from M-mode"
};
function createPlatform(hart, fdt, desc, dtbAddr) {
  const ram = hart.ram;
  const uart = new Ns16550Console(hart, desc.uart.base);
  const plic = new PlicDriver(hart, desc.plic.base, desc.plic.context, desc.plic.ndev);
  const timer = new PlatTimer(
    hart,
    hart.mode === "M" ? { kind: "clint", mtimecmp: desc.mtimecmp } : desc.sstc ? { kind: "sstc" } : { kind: "sbi" },
    desc.timebase
  );
  const irq = new PlatIrq(plic);
  const lcpu = new PlatLcpu(hart, timer, desc.ncpus);
  const power = new PlatPower(hart, desc.finisher?.base ?? null);
  const dtb = ram.u8.subarray(dtbAddr - ram.base, dtbAddr - ram.base + fdt.bytes.length);
  const used = desc.reserved.map((r) => ({ ...r, type: "reserved" }));
  used.push({ base: dtbAddr, size: fdt.bytes.length, type: "devicetree", name: "dtb" });
  if (desc.initrd)
    used.push({
      base: desc.initrd.start,
      size: desc.initrd.end - desc.initrd.start,
      type: "initrd",
      name: "initrd"
    });
  const regions = computeRegions(desc.memory, used);
  const enc = new TextEncoder();
  const bootinfo = {
    cmdline: desc.cmdline,
    dtbAddr,
    dtb,
    initrd: desc.initrd,
    bootMode: hart.mode === "S" ? "sbi" : "bare"
  };
  const plat = {
    name: "qemu-riscv",
    rngSeed: desc.rngSeed,
    onFatalTrap(reason) {
      const frames = (new Error(reason).stack ?? "").split("\n").slice(2).map((l) => `    ${l.trim()}`);
      plat.console.out(`PANIC: ${reason}
  backtrace:
${frames.join("\n")}
`);
      return power.crash(1);
    },
    memory: { regions: () => regions, phys: ram },
    console: {
      out: (data) => uart.putBytes(typeof data === "string" ? enc.encode(data) : data),
      in: (buf) => uart.read(buf),
      onInput: (l) => uart.onInput(l)
    },
    time: {
      monotonicNs: () => timer.nowNs(),
      wallClockNs: () => desc.rtc ? readGoldfishRtc(hart, desc.rtc.base) : BigInt(timer.nowNs()),
      resolutionNs: timer.resolutionNs,
      setTimer: (deadline, handler) => timer.set(deadline, handler),
      cancelTimer: () => timer.cancel()
    },
    irq,
    lcpu,
    power,
    bootinfo,
    devices: new PlatDevices(hart, fdt)
  };
  uart.init();
  plic.init();
  timer.init();
  irq.register(desc.uart.irq, () => uart.handleIrq());
  hart.csrs(
    hart.mode === "M" ? CSR_MIE : CSR_SIE,
    hart.mode === "M" ? MIP_MEIP : MIP_SEIP | MIP_SSIP
  );
  hart.setTrapVector((code, interrupt, tval) => {
    if (!interrupt)
      return plat.onFatalTrap(
        `unhandled trap: ${EXC_NAMES[code] ?? `exception ${code}`} (tval 0x${tval.toString(16)})`
      );
    switch (code) {
      case IRQ_S_TIMER:
      case IRQ_M_TIMER:
        return timer.handleIrq();
      case IRQ_S_EXT:
      case IRQ_M_EXT:
        return irq.dispatchExternal();
      case IRQ_S_SOFT:
        hart.csrc(CSR_SIP, MIP_SSIP);
        return;
      case IRQ_M_SOFT:
        return;
    }
  });
  return plat;
}

// ../../platforms/qemu-riscv/src/plat/entry.ts
function openDeviceTree(hart, addr) {
  const { base, size, u8, view } = hart.ram;
  const off = addr - base;
  if (!Number.isInteger(addr) || off < 0 || off + 8 > size) {
    return earlyPanic(
      hart,
      `a1 = 0x${addr.toString(16)} does not point into RAM [0x${base.toString(16)}, 0x${(base + size).toString(16)}): no device tree`
    );
  }
  const total = view.getUint32(off + 4, false);
  try {
    return Fdt.open(u8.subarray(off, Math.min(size, off + Math.max(total, 40))));
  } catch (e) {
    return earlyPanic(
      hart,
      `device tree at 0x${addr.toString(16)} is malformed: ${e.message}`
    );
  }
}
async function platEntry(hart, _a0, a1, boot) {
  const fdt = openDeviceTree(hart, a1);
  let plat;
  try {
    plat = createPlatform(hart, fdt, describePlatform(fdt, hart.hartid, hart.mode), a1);
  } catch (e) {
    if (e?.name === "HartStopped") throw e;
    return earlyPanic(hart, `platform bring-up failed: ${e.message}`);
  }
  plat.lcpu.irqEnable();
  const status = await boot(plat);
  plat.power.shutdown(status);
}

// ../../packages/rkboot/src/api.ts
var RK_INIT_LEVELS = [
  "early",
  "plat",
  "lib",
  "rootfs",
  "sys",
  "late"
];
function defineLibrary(lib) {
  return lib;
}

// ../../packages/rkboot/src/banner.ts
var ART = [
  " ___          _ _            __ _   ",
  "| _ \\_  _ _ _(_) |___ _ __ _/ _| |_ ",
  "|   / || | ' \\ | / / '_/ _` |  _|  _|",
  "|_|_\\\\_,_|_||_|_|_\\_\\_| \\__,_|_|  \\__|"
];
function renderBanner(app, kernelVersion, libs) {
  const lines = [
    "Powered by",
    ...ART,
    `${" ".repeat(22)}Runikraft ${kernelVersion}`,
    `app: ${app.name} ${app.version}`
  ];
  lines.push(`libraries: ${libs.map((l) => `${l.name}@${l.version}`).join(" ") || "(none)"}`);
  return `${lines.join("\n")}
`;
}

// ../../packages/rkdebug/src/api.ts
var RK_LOG_LEVELS = ["crit", "err", "warn", "info", "debug"];

// ../../packages/rkdebug/src/stopped.ts
function isHartStoppedError(e) {
  return e instanceof Error && e.name === "HartStopped";
}

// ../../packages/rkdebug/src/debug.ts
var LABEL = {
  crit: "CRIT",
  err: "ERR",
  warn: "Warn",
  info: "Info",
  debug: "dbg"
};
function stamp(ns) {
  const s = Math.floor(ns / 1e9);
  const us = Math.floor(ns % 1e9 / 1e3);
  return `[${String(s).padStart(5, " ")}.${String(us).padStart(6, "0")}]`;
}
function backtrace(err2) {
  return (err2.stack ?? "").split("\n").slice(1).map((l) => l.trim()).filter((l) => l.startsWith("at "));
}
function createRkDebug(plat, trace, level2 = "info") {
  const dbg = {
    level: level2,
    printk(lvl, msg) {
      if (RK_LOG_LEVELS.indexOf(lvl) > RK_LOG_LEVELS.indexOf(dbg.level)) return false;
      plat.console.out(`${stamp(plat.time.monotonicNs())} ${LABEL[lvl]}: ${msg}
`);
      return true;
    },
    crit: (m) => void dbg.printk("crit", m),
    err: (m) => void dbg.printk("err", m),
    warn: (m) => void dbg.printk("warn", m),
    info: (m) => void dbg.printk("info", m),
    debug: (m) => void dbg.printk("debug", m),
    assert(cond, msg) {
      if (!cond) dbg.panic(`assertion failed: ${msg}`);
    },
    panic(reason, cause) {
      if (isHartStoppedError(cause)) throw cause;
      const lines = [`${stamp(plat.time.monotonicNs())} CRIT: PANIC: ${reason}`];
      if (cause instanceof Error && cause.message && !reason.includes(cause.message))
        lines.push(`  cause: ${cause.name}: ${cause.message}`);
      const where2 = cause instanceof Error ? cause : new Error(reason);
      lines.push("  backtrace:", ...backtrace(where2).map((l) => `    ${l}`));
      plat.console.out(`${lines.join("\n")}
`);
      trace.point("panic", { reason });
      return plat.power.crash(1);
    },
    trace
  };
  return dbg;
}

// ../../packages/rkdebug/src/trace.ts
function createTraceRing(capacity, now) {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`trace ring capacity must be \u2265 1, got ${capacity}`);
  const ring = new Array(capacity);
  let head = 0;
  let count = 0;
  let dropped = 0;
  let tidSource = () => 0;
  const record = (name, phase, args) => {
    ring[head] = args ? { name, phase, ts: now(), tid: tidSource(), args } : { name, phase, ts: now(), tid: tidSource() };
    head = (head + 1) % capacity;
    if (count < capacity) count++;
    else dropped++;
  };
  const events = () => {
    const out = [];
    for (let i = 0; i < count; i++) out.push(ring[(head - count + i + capacity) % capacity]);
    return out;
  };
  return {
    point: (name, args) => record(name, "i", args),
    begin: (name, args) => record(name, "B", args),
    end: (name, args) => record(name, "E", args),
    counter: (name, values) => record(name, "C", values),
    events,
    get dropped() {
      return dropped;
    },
    setThreadIdSource(source) {
      tidSource = source;
    },
    clear() {
      head = 0;
      count = 0;
      dropped = 0;
    },
    toChromeTrace() {
      const traceEvents = events().map((e) => ({
        name: e.name,
        ph: e.phase,
        ts: e.ts / 1e3,
        pid: 1,
        tid: e.tid,
        ...e.phase === "i" ? { s: "t" } : {},
        ...e.args ? { args: e.args } : {}
      }));
      return JSON.stringify({ traceEvents, displayTimeUnit: "ns", otherData: { dropped } });
    }
  };
}

// ../../packages/rkparam/src/cmdline.ts
var CmdlineError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "CmdlineError";
  }
};
function tokenize(cmdline) {
  const out = [];
  let cur = "";
  let inToken = false;
  let quote = null;
  let quoteAt = 0;
  for (let i = 0; i < cmdline.length; i++) {
    const c = cmdline[i];
    if (c === "\\") {
      if (i + 1 >= cmdline.length)
        throw new CmdlineError(`cmdline: trailing backslash at offset ${i}`);
      cur += cmdline[++i];
      inToken = true;
    } else if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      quoteAt = i;
      inToken = true;
    } else if (c === " " || c === "	" || c === "\n") {
      if (inToken) out.push(cur);
      cur = "";
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (quote)
    throw new CmdlineError(`cmdline: unterminated ${quote} quote opened at offset ${quoteAt}`);
  if (inToken) out.push(cur);
  return out;
}

// ../../packages/rkparam/src/value.ts
var TRUE = /* @__PURE__ */ new Set(["1", "on", "yes", "true", "y"]);
var FALSE = /* @__PURE__ */ new Set(["0", "off", "no", "false", "n"]);
var SIZE_UNITS = {
  "": 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4
};
function convertValue(spec, text) {
  switch (spec.type) {
    case "boolean": {
      if (text === void 0) return { ok: true, value: true };
      const t = text.toLowerCase();
      if (TRUE.has(t)) return { ok: true, value: true };
      if (FALSE.has(t)) return { ok: true, value: false };
      return {
        ok: false,
        message: `expected a boolean (1/0, on/off, yes/no, true/false), got '${text}'`
      };
    }
    case "number": {
      if (text === void 0 || text === "")
        return { ok: false, message: "expected a number, got nothing" };
      const n = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : Number(text);
      if (!Number.isFinite(n)) return { ok: false, message: `expected a number, got '${text}'` };
      if (spec.integer && !Number.isInteger(n))
        return { ok: false, message: `expected an integer, got '${text}'` };
      if (spec.min !== void 0 && n < spec.min)
        return { ok: false, message: `${n} is below the minimum ${spec.min}` };
      if (spec.max !== void 0 && n > spec.max)
        return { ok: false, message: `${n} is above the maximum ${spec.max}` };
      return { ok: true, value: n };
    }
    case "size": {
      const m = text === void 0 ? null : /^(\d+)([kmgt]?)i?b?$/i.exec(text);
      if (!m)
        return {
          ok: false,
          message: `expected a size like 4096, 64K, 16M or 1G, got '${text ?? ""}'`
        };
      return { ok: true, value: Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()] };
    }
    case "string":
      return { ok: true, value: text ?? "" };
    case "enum": {
      if (text !== void 0 && spec.values.includes(text)) return { ok: true, value: text };
      return {
        ok: false,
        message: `expected one of ${spec.values.join(", ")}, got '${text ?? ""}'`
      };
    }
  }
}

// ../../packages/rkparam/src/parse.ts
function defaultsFor(table) {
  const values = /* @__PURE__ */ new Map();
  for (const [lib, specs] of table) {
    const v = {};
    for (const [name, spec] of Object.entries(specs)) v[name] = spec.default;
    values.set(lib, v);
  }
  return values;
}
function splitKey(token) {
  const eq = token.indexOf("=");
  const key = eq < 0 ? token : token.slice(0, eq);
  const dot = key.indexOf(".");
  if (dot <= 0 || dot === key.length - 1) return null;
  return {
    lib: key.slice(0, dot),
    name: key.slice(dot + 1),
    text: eq < 0 ? void 0 : token.slice(eq + 1)
  };
}
function apply(table, values, token, key, errors) {
  const specs = table.get(key.lib);
  if (!specs) {
    const libs = [...table.keys()].sort().join(", ") || "(none)";
    errors.push({
      token,
      message: `unknown library '${key.lib}' in '${token}' (libraries with parameters: ${libs})`
    });
    return;
  }
  const spec = specs[key.name];
  if (!spec) {
    const known = Object.keys(specs).sort().map((n) => `${key.lib}.${n}`).join(", ") || "(none)";
    errors.push({ token, message: `unknown parameter '${key.lib}.${key.name}' (known: ${known})` });
    return;
  }
  const r = convertValue(spec, key.text);
  if (!r.ok) errors.push({ token, message: `parameter '${key.lib}.${key.name}': ${r.message}` });
  else values.get(key.lib)[key.name] = r.value;
}
function parseParams(cmdline, table, opts = {}) {
  const values = defaultsFor(table);
  const errors = [];
  const ignored = [];
  const appArgs = [];
  for (const [key, raw] of Object.entries(opts.defaults ?? {})) {
    const k = splitKey(`${key}=${String(raw)}`);
    if (k) apply(table, values, `${key} (package.json)`, k, errors);
    else
      errors.push({
        token: key,
        message: `package.json param '${key}' must be written 'library.param'`
      });
  }
  let tokens;
  try {
    tokens = tokenize(cmdline);
  } catch (e) {
    return {
      values,
      appArgs,
      errors: [{ token: cmdline, message: e.message }],
      ignored
    };
  }
  const sep = tokens.indexOf("--");
  if (sep >= 0) {
    for (const token of tokens.slice(0, sep)) {
      const k = splitKey(token);
      if (k) apply(table, values, token, k, errors);
      else ignored.push(token);
    }
    appArgs.push(...tokens.slice(sep + 1));
  } else {
    for (const token of tokens) {
      const k = splitKey(token);
      if (k && table.has(k.lib)) apply(table, values, token, k, errors);
      else appArgs.push(token);
    }
  }
  return { values, appArgs, errors, ignored };
}

// ../../packages/rkboot/src/order.ts
var RkCompositionError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "RkCompositionError";
  }
};
var level = (l) => RK_INIT_LEVELS.indexOf(l.initLevel ?? "lib");
function initOrder(libs, builtin) {
  const provider = /* @__PURE__ */ new Map();
  for (const lib of libs) {
    for (const api of lib.provides ?? []) {
      const other = provider.get(api);
      if (other) {
        throw new RkCompositionError(
          `API '${api}' is provided by both '${other.name}' and '${lib.name}'; select one with "select": {"${api}": "<package>"} in package.json`
        );
      }
      provider.set(api, lib);
    }
  }
  for (const lib of libs) {
    for (const api of lib.requires ?? []) {
      if (!provider.has(api) && !builtin.includes(api)) {
        throw new RkCompositionError(
          `library '${lib.name}' requires API '${api}', which no composed library provides`
        );
      }
    }
  }
  const out = [];
  const done = /* @__PURE__ */ new Set();
  const visiting = /* @__PURE__ */ new Set();
  const visit = (lib, chain) => {
    if (done.has(lib)) return;
    if (visiting.has(lib))
      throw new RkCompositionError(`init cycle: ${[...chain, lib.name].join(" \u2192 ")}`);
    visiting.add(lib);
    for (const api of lib.requires ?? []) {
      const p = provider.get(api);
      if (p && p !== lib && level(p) <= level(lib)) visit(p, [...chain, lib.name]);
    }
    visiting.delete(lib);
    done.add(lib);
    out.push(lib);
  };
  const sorted = [...libs].map((l, i) => ({ l, i })).sort((a, b) => level(a.l) - level(b.l) || a.i - b.i);
  for (const { l } of sorted) visit(l, []);
  return out.sort((a, b) => level(a) - level(b));
}

// ../../packages/rkboot/src/params.ts
var RKBOOT_PARAMS = {
  banner: { type: "boolean", default: true, doc: "print the boot banner" },
  initlog: { type: "boolean", default: false, doc: "log each library init with its duration" }
};
var RKDEBUG_PARAMS = {
  level: {
    type: "enum",
    default: "info",
    values: ["crit", "err", "warn", "info", "debug"],
    doc: "most verbose printk level"
  },
  trace_events: {
    type: "number",
    default: 4096,
    min: 1,
    integer: true,
    doc: "trace ring capacity (events)"
  }
};
var RKPARAM_PARAMS = {
  strict: { type: "boolean", default: false, doc: "reject foreign tokens (console=...) before --" }
};
function paramTable(libs) {
  const table = /* @__PURE__ */ new Map([
    ["rkboot", RKBOOT_PARAMS],
    ["rkdebug", RKDEBUG_PARAMS],
    ["rkparam", RKPARAM_PARAMS]
  ]);
  for (const lib of libs) {
    if (table.has(lib.name)) throw new Error(`two composed libraries are named '${lib.name}'`);
    table.set(lib.name, lib.params ?? {});
  }
  return table;
}

// ../../packages/rkboot/src/registry.ts
var RkRegistryError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "RkRegistryError";
  }
};
function createRegistry() {
  const apis = /* @__PURE__ */ new Map();
  const providers = /* @__PURE__ */ new Map();
  let current = "rkboot";
  return {
    provide(api, impl) {
      if (apis.has(api)) {
        throw new RkRegistryError(
          `API '${api}' is already provided by '${providers.get(api)}'; '${current}' cannot provide it too (select one provider in package.json)`
        );
      }
      apis.set(api, impl);
      providers.set(api, current);
    },
    get(api) {
      if (!apis.has(api)) {
        const have = [...apis.keys()].sort().join(", ");
        throw new RkRegistryError(
          `API '${String(api)}' is not composed into this image (available: ${have}); add a package that provides '${String(api)}' to the app's package.json`
        );
      }
      return apis.get(api);
    },
    tryGet(api) {
      return apis.get(api);
    },
    has: (api) => apis.has(api),
    providerOf: (api) => providers.get(api),
    setProvider(name) {
      current = name;
    }
  };
}

// ../../packages/rkboot/src/boot.ts
var RUNIKRAFT_VERSION = "0.1.0";
var isStop = (e) => e instanceof Error && e.name === "HartStopped";
async function bootImage(plat, image2) {
  const registry = createRegistry();
  registry.provide("rkplat", plat);
  const early = createRkDebug(
    plat,
    createTraceRing(1, () => 0)
  );
  let libs;
  let table;
  try {
    libs = initOrder(image2.libraries, ["rkplat", "rkdebug"]);
    table = paramTable(libs);
  } catch (e) {
    return early.panic(`rkboot: ${e.message}`, e);
  }
  const parsed = parseParams(
    plat.bootinfo.cmdline,
    table,
    image2.params ? { defaults: image2.params } : {}
  );
  const strict = parsed.values.get("rkparam").strict === true;
  const problems = [...parsed.errors.map((e) => e.message)];
  if (strict)
    problems.push(
      ...parsed.ignored.map((t) => `unknown kernel parameter '${t}' (rkparam.strict=1)`)
    );
  if (problems.length > 0) {
    for (const p of problems) early.err(`rkparam: ${p}`);
    return early.panic(
      `rkboot: ${problems.length} bad boot parameter(s) in '${plat.bootinfo.cmdline}'`
    );
  }
  const dbgParams = parsed.values.get("rkdebug");
  const dbg = createRkDebug(
    plat,
    createTraceRing(dbgParams.trace_events, () => plat.time.monotonicNs()),
    dbgParams.level
  );
  registry.provide("rkdebug", dbg);
  const bootParams = parsed.values.get("rkboot");
  if (bootParams.banner) plat.console.out(renderBanner(image2, RUNIKRAFT_VERSION, libs));
  for (const lib of libs) {
    registry.setProvider(lib.name);
    const t0 = plat.time.monotonicNs();
    try {
      await lib.init?.({ registry, plat, params: parsed.values.get(lib.name), library: lib });
    } catch (e) {
      if (isStop(e)) throw e;
      return dbg.panic(
        `rkboot: init of '${lib.name}' (level ${lib.initLevel ?? "lib"}) failed: ${e?.message ?? String(e)}`,
        e
      );
    }
    if (bootParams.initlog)
      dbg.info(
        `rkboot: ${lib.name} initialised in ${((plat.time.monotonicNs() - t0) / 1e3).toFixed(1)} \xB5s`
      );
  }
  registry.setProvider("app");
  const argv = [image2.name, ...parsed.appArgs];
  const runMain = async () => {
    try {
      const r = await image2.main({ argv, registry, plat });
      return typeof r === "number" ? r : 0;
    } catch (e) {
      if (isStop(e)) throw e;
      return dbg.panic(`main of '${image2.name}' threw: ${e?.message ?? String(e)}`, e);
    }
  };
  const sched = registry.tryGet("rksched");
  return sched ? sched.runMain(runMain) : runMain();
}

// ../../packages/rksched/src/periodic.ts
var SchedPeriodic = class {
  constructor(core) {
    this.core = core;
  }
  core;
  /** Called at creation: the first job is released now, at `phase`, or on activate() (sporadic). */
  firstRelease(t, now) {
    const rt = t.rt;
    if (rt.sporadic) {
      t.state = "blocked";
      t.awaitingActivation = true;
      t.releasePending = true;
      return;
    }
    if (rt.release > now) {
      t.state = "blocked";
      t.releasePending = true;
      this.core.armTimer(t.timer, rt.release);
      return;
    }
    this.core.pol.onRelease(t);
    this.core.makeReady(t, "new");
  }
  /** Ends the current job of `t` (running) and waits for the next release. */
  async waitPeriod(t) {
    const rt = t.rt;
    if (!rt)
      throw new RkError(
        Errno.EINVAL,
        `rksched: thread "${t.name}" is not periodic (no rt attribute)`
      );
    const now = this.core.now();
    this.core.account(t, now);
    let result = 0;
    if (rt.aborted || rt.missed || now > rt.absDeadline) {
      this.core.noteMiss(t);
      result = -Errno.ETIMEDOUT;
    }
    rt.jobs++;
    rt.aborted = false;
    rt.throttled = false;
    if (rt.sporadic) {
      if (t.activations > 0) {
        t.activations--;
        this.release(t, Math.max(now, rt.release + rt.period));
      } else {
        t.awaitingActivation = true;
        t.releasePending = true;
        const r = await this.core.block(null, Number.POSITIVE_INFINITY);
        return r < 0 ? r : result;
      }
    } else {
      this.release(t, rt.release + rt.period);
    }
    if (rt.release > this.core.now()) {
      t.releasePending = true;
      const r = await this.core.block(null, rt.release);
      if (t.releasePending) t.releasePending = false;
      return r < 0 ? r : result;
    }
    this.core.pol.onRelease(t);
    await this.core.yield();
    return result;
  }
  release(t, at) {
    const rt = t.rt;
    rt.release = at;
    rt.absDeadline = at + rt.relDeadline;
    rt.jobCpuNs = 0;
    rt.missed = false;
  }
  /** Releases a sporadic job, respecting the minimum inter-arrival time (the period). */
  activate(t) {
    const rt = t.rt;
    if (!rt?.sporadic)
      throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" is not sporadic`);
    if (t.state === "exited") return;
    if (!t.awaitingActivation) {
      t.activations++;
      return;
    }
    t.awaitingActivation = false;
    const now = this.core.now();
    const first2 = rt.jobs === 0 && rt.jobCpuNs === 0 && t.dispatches === 0;
    this.release(t, first2 ? now : Math.max(now, rt.release + rt.period));
    if (rt.release > now) this.core.armTimer(t.timer, rt.release);
    else this.core.wake(t, 0);
  }
  onExit(t) {
    t.awaitingActivation = false;
  }
  abortError(t) {
    t.rt.aborted = false;
    return new RkError(
      Errno.ETIMEDOUT,
      `rksched: job ${t.rt.jobs} of "${t.name}" aborted at its deadline`
    );
  }
};

// ../../packages/rksched/src/timer-queue.ts
var RkTimer = class {
  constructor(fn) {
    this.fn = fn;
  }
  fn;
  /** Absolute monotonic deadline in ns. */
  deadline = 0;
  /** Position in the heap, -1 when not armed. */
  index = -1;
  /** Tie-breaker: equal deadlines fire in arming order. */
  seq = 0;
  get armed() {
    return this.index >= 0;
  }
};
var RkTimerQueue = class {
  heap = [];
  nextSeq = 0;
  get size() {
    return this.heap.length;
  }
  /** Earliest armed deadline, or Infinity. */
  earliest() {
    return this.heap.length ? this.heap[0].deadline : Number.POSITIVE_INFINITY;
  }
  /** Arms (or re-arms) `t` at `deadline`. */
  add(t, deadline) {
    if (t.index >= 0) this.remove(t);
    t.deadline = deadline;
    t.seq = this.nextSeq++;
    t.index = this.heap.length;
    this.heap.push(t);
    this.up(t.index);
  }
  /** Disarms `t`; returns false if it was not armed. */
  remove(t) {
    const i = t.index;
    if (i < 0) return false;
    const last = this.heap.pop();
    t.index = -1;
    if (last !== t) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    return true;
  }
  /** Fires every timer whose deadline is <= now, in deadline order; returns how many fired. */
  expire(now) {
    let n = 0;
    while (this.heap.length && this.heap[0].deadline <= now) {
      const t = this.heap[0];
      this.remove(t);
      n++;
      t.fn(now);
    }
    return n;
  }
  less(a, b) {
    return a.deadline < b.deadline || a.deadline === b.deadline && a.seq < b.seq;
  }
  swap(i, j) {
    const h = this.heap;
    const a = h[i];
    const b = h[j];
    h[i] = b;
    h[j] = a;
    a.index = j;
    b.index = i;
  }
  up(i) {
    while (i > 0) {
      const p = i - 1 >> 1;
      if (!this.less(this.heap[i], this.heap[p])) return;
      this.swap(i, p);
      i = p;
    }
  }
  down(i) {
    const n = this.heap.length;
    for (; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.heap[l], this.heap[m])) m = l;
      if (r < n && this.less(this.heap[r], this.heap[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
};

// ../../packages/rksched/src/thread.ts
var RkThreadExit = class {
  constructor(thread, value) {
    this.thread = thread;
    this.value = value;
  }
  thread;
  value;
};
var ThreadImpl = class {
  constructor(id, name, prio, detached, onTimeout) {
    this.id = id;
    this.name = name;
    this.prio = prio;
    this.detached = detached;
    this.timer = new RkTimer(() => onTimeout(this));
  }
  id;
  name;
  prio;
  detached;
  state = "ready";
  exitValue = void 0;
  cpuNs = 0;
  dispatches = 0;
  tls = /* @__PURE__ */ new Map();
  policyData = void 0;
  rqPrev = null;
  rqNext = null;
  rq = null;
  signalData = void 0;
  rt = null;
  /** Settles the promise the thread is parked on. */
  resolve = noop;
  reject = noop;
  /** Value the park promise resolves with: 0, -ETIMEDOUT, -EINTR. */
  wakeReason = 0;
  wokenAt = -1;
  dispatchedAt = 0;
  /** Timeout / sleep timer. */
  timer;
  /** Wait queue the thread is blocked on, and its links there. */
  wq = null;
  wqPrev = null;
  wqNext = null;
  /** Threads joining this one. */
  joiners = null;
  reaped = false;
  /** Exit value requested by kill(), delivered at next dispatch. */
  pendingExit = void 0;
  /** Run the dispatch hook when next dispatched (signals). */
  attention = false;
  /** Sporadic: waiting for activate(). */
  awaitingActivation = false;
  /** Interrupt requested while not blocked: the next interruptible wait returns -EINTR. */
  intrPending = false;
  /** A job release is due when this thread is next woken (policy.onRelease). */
  releasePending = false;
  activations = 0;
  initRt(a, now) {
    const release = now + (a.phase ?? 0);
    const relDeadline = a.deadline ?? a.period;
    this.rt = {
      period: a.period,
      relDeadline,
      budget: a.budget ?? a.period,
      sporadic: a.sporadic ?? false,
      release,
      absDeadline: release + relDeadline,
      jobCpuNs: 0,
      jobs: 0,
      misses: 0,
      missed: false,
      aborted: false,
      throttled: false
    };
  }
};
function noop() {
}

// ../../packages/rksched/src/validate.ts
function bad(what) {
  throw new RkError(Errno.EINVAL, `rksched: ${what}`);
}
function validateAttr(a) {
  if (a.prio !== void 0 && (!Number.isInteger(a.prio) || a.prio < -1e3 || a.prio > 1e3)) {
    bad(`priority ${a.prio} is not an integer in [-1000, 1000]`);
  }
  const rt = a.rt;
  if (!rt) return;
  const pos = (v, name) => {
    if (v !== void 0 && !(Number.isFinite(v) && v > 0))
      bad(`${name} ${v} must be a positive number of ns`);
  };
  pos(rt.period, "rt.period");
  if (rt.period === void 0) bad("rt.period is required for a real-time thread");
  pos(rt.deadline, "rt.deadline");
  pos(rt.budget, "rt.budget");
  if (rt.phase !== void 0 && !(Number.isFinite(rt.phase) && rt.phase >= 0))
    bad(`rt.phase ${rt.phase} must be >= 0`);
  const dl = rt.deadline ?? rt.period;
  if (dl > rt.period)
    bad(`rt.deadline ${dl} exceeds rt.period ${rt.period} (constrained deadlines only)`);
  if (rt.budget !== void 0 && rt.budget > dl)
    bad(`rt.budget ${rt.budget} exceeds the deadline ${dl}`);
}

// ../../packages/rksched/src/wait-queue.ts
var WaitQueueImpl = class {
  constructor(core) {
    this.core = core;
  }
  core;
  head = null;
  tail = null;
  count = 0;
  get length() {
    return this.count;
  }
  wait(timeoutNs) {
    const deadline = timeoutNs === void 0 ? Number.POSITIVE_INFINITY : this.core.now() + Math.max(0, timeoutNs);
    return this.core.block(this, deadline);
  }
  waitUntil(deadlineNs) {
    return this.core.block(this, deadlineNs);
  }
  async waitEvent(cond, timeoutNs) {
    if (cond()) {
      const p = this.core.kernelEntry();
      if (p) await p;
      return 0;
    }
    const deadline = timeoutNs === void 0 ? Number.POSITIVE_INFINITY : this.core.now() + Math.max(0, timeoutNs);
    for (; ; ) {
      const r = await this.core.block(this, deadline);
      if (cond()) return 0;
      if (r !== 0) return r;
    }
  }
  wakeOne() {
    const t = this.head;
    if (!t) return null;
    this.core.wake(t, 0);
    return t;
  }
  wakeAll() {
    let n = 0;
    while (this.head) {
      this.core.wake(this.head, 0);
      n++;
    }
    return n;
  }
  /** Links `t` at the tail (front end only). */
  push(t) {
    t.wq = this;
    t.wqNext = null;
    t.wqPrev = this.tail;
    if (this.tail) this.tail.wqNext = t;
    else this.head = t;
    this.tail = t;
    this.count++;
  }
  /** Unlinks `t` (front end only). */
  unlink(t) {
    if (t.wqPrev) t.wqPrev.wqNext = t.wqNext;
    else this.head = t.wqNext;
    if (t.wqNext) t.wqNext.wqPrev = t.wqPrev;
    else this.tail = t.wqPrev;
    t.wq = t.wqPrev = t.wqNext = null;
    this.count--;
  }
};

// ../../packages/rksched/src/sched.ts
function createSched(plat, policy, opts = {}) {
  return new SchedCore(plat, policy, opts);
}
var SchedCore = class {
  constructor(plat, pol, opts) {
    this.pol = pol;
    this.opts = opts;
    this.policy = pol.name;
    this.lcpu = plat.lcpu;
    this.time = plat.time;
    this.periodic = new SchedPeriodic(this);
    pol.attach({
      now: () => this.time.monotonicNs(),
      running: () => this.cur,
      armTimer: (t, d) => this.armTimer(t, d),
      disarmTimer: (t) => this.disarmTimer(t),
      requestResched: () => {
        this.needResched = true;
      },
      unthrottle: (t) => this.unthrottle(t),
      noteMiss: (t) => this.noteMiss(t)
    });
  }
  pol;
  opts;
  policy;
  cur = null;
  needResched = false;
  lcpu;
  time;
  timers = new RkTimerQueue();
  platArmed = Number.POSITIVE_INFINITY;
  tickTimer = new RkTimer((now) => this.onTick(now));
  tickAt = Number.POSITIVE_INFINITY;
  live = /* @__PURE__ */ new Set();
  nextId = 1;
  idleResolve = null;
  mainThread = null;
  mainDone = null;
  started = false;
  stopped = false;
  hook = null;
  periodic;
  onTimeout = (t) => this.wake(t, t.wq ? -Errno.ETIMEDOUT : 0);
  onPlatTimer = () => {
    this.platArmed = Number.POSITIVE_INFINITY;
    this.timers.expire(this.time.monotonicNs());
    this.rearm();
  };
  st = {
    switches: 0,
    preemptions: 0,
    created: 0,
    idleHalts: 0,
    idleNs: 0,
    wakeups: 0,
    latCount: 0,
    latTotal: 0,
    latMax: 0,
    misses: 0
  };
  now() {
    return this.time.monotonicNs();
  }
  // ---- timers -------------------------------------------------------------------------------
  armTimer(t, deadlineNs) {
    this.timers.add(t, deadlineNs);
    if (deadlineNs < this.platArmed) {
      this.platArmed = deadlineNs;
      this.time.setTimer(deadlineNs, this.onPlatTimer);
    }
  }
  disarmTimer(t) {
    return this.timers.remove(t);
  }
  rearm() {
    const e = this.timers.earliest();
    if (e === this.platArmed) return;
    this.platArmed = e;
    if (e === Number.POSITIVE_INFINITY) this.time.cancelTimer();
    else this.time.setTimer(e, this.onPlatTimer);
  }
  onTick(now) {
    const t = this.cur;
    if (!t) return;
    if (now < this.tickAt) {
      this.armTimer(this.tickTimer, this.tickAt);
      return;
    }
    this.account(t, now);
    if (this.pol.onTick(t, now)) this.needResched = true;
    else this.armTick(t, now);
  }
  armTick(t, now) {
    const want = Math.max(this.pol.nextTick(t, now), now + 1);
    this.tickAt = want;
    if (want === Number.POSITIVE_INFINITY) return;
    if (!this.tickTimer.armed || this.tickTimer.deadline > want)
      this.armTimer(this.tickTimer, want);
  }
  // ---- thread life cycle ----------------------------------------------------------------------
  create(entry2, args, attr = {}) {
    if (this.stopped)
      throw new RkError(Errno.EINVAL, "rksched: scheduler has stopped (main returned)");
    validateAttr(attr);
    const name = attr.name ?? (entry2.name || `thread-${this.nextId}`);
    const t = new ThreadImpl(
      this.nextId++,
      name,
      attr.prio ?? 0,
      attr.detached ?? false,
      this.onTimeout
    );
    const now = this.now();
    if (attr.rt) t.initRt(attr.rt, now);
    const r = this.pol.admit(t);
    if (r < 0) {
      throw new RkError(
        r,
        `rksched-${this.policy}: thread "${name}" refused (${JSON.stringify(this.pol.stats())})`
      );
    }
    this.live.add(t);
    this.st.created++;
    void this.start(t, entry2, args);
    if (t.rt) this.periodic.firstRelease(t, now);
    else this.makeReady(t, "new");
    return t;
  }
  spawn(name, entry2, attr = {}) {
    return this.create(entry2, [], { ...attr, name });
  }
  async start(t, entry2, args) {
    try {
      await new Promise((res, rej) => {
        t.resolve = res;
        t.reject = rej;
      });
      const v = await entry2(...args);
      this.finish(t, typeof v === "number" ? v : 0);
    } catch (e) {
      if (e instanceof RkThreadExit && e.thread === t) this.finish(t, e.value);
      else this.fail(e, t);
    }
  }
  finish(t, value) {
    if (this.stopped) return;
    const now = this.now();
    this.account(t, now);
    t.state = "exited";
    t.exitValue = value;
    this.pol.onExit(t);
    this.periodic.onExit(t);
    if (t.joiners) t.joiners.wakeAll();
    if (t.detached) this.reap(t);
    if (t === this.mainThread) {
      this.stop();
      this.mainDone?.resolve(value);
      return;
    }
    this.switchAway(now);
  }
  reap(t) {
    t.reaped = true;
    this.live.delete(t);
  }
  fail(e, t) {
    if (this.stopped) return;
    this.stop();
    if (e instanceof Error && e.name === "HartStopped") {
      this.mainDone?.reject(e);
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    const err2 = new Error(
      t ? `rksched: thread "${t.name}" (#${t.id}) crashed: ${msg}` : `rksched: idle: ${msg}`,
      { cause: e }
    );
    if (e instanceof Error && e.stack)
      err2.stack = `${err2.message}
${e.stack.split("\n").slice(1).join("\n")}`;
    this.mainDone?.reject(err2);
  }
  stop() {
    this.stopped = true;
    this.cur = null;
    this.time.cancelTimer();
    this.platArmed = Number.POSITIVE_INFINITY;
    const r = this.idleResolve;
    this.idleResolve = null;
    r?.();
  }
  async join(target) {
    const cur = this.requireCurrent("join");
    const t = target;
    if (t === cur)
      throw new RkError(Errno.EDEADLK, `rksched: thread "${t.name}" cannot join itself`);
    if (t.detached) throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" is detached`);
    if (t.reaped) throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" was already joined`);
    while (t.state !== "exited") {
      t.joiners ??= new WaitQueueImpl(this);
      await t.joiners.wait();
    }
    if (t.reaped) throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" was already joined`);
    this.reap(t);
    return t.exitValue ?? 0;
  }
  exit(value = 0) {
    throw new RkThreadExit(this.requireCurrent("exit"), value);
  }
  kill(target, value = -Errno.EINTR) {
    const t = target;
    if (t.state === "exited") return;
    if (t === this.cur && !this.inHook) this.exit(value);
    t.pendingExit = value;
    if (t.state === "blocked") this.wake(t, -Errno.EINTR);
  }
  // ---- switching ------------------------------------------------------------------------------
  /** Parks the running thread on `wq` (or none) until woken or `deadline`. */
  block(wq, deadline) {
    const cur = this.requireCurrent("block");
    if (cur.attention) this.runHook(cur);
    if (cur.intrPending) {
      cur.intrPending = false;
      return Promise.resolve(-Errno.EINTR);
    }
    if (cur.pendingExit !== void 0) this.exit(cur.pendingExit);
    const now = this.now();
    if (deadline <= now) return Promise.resolve(wq ? -Errno.ETIMEDOUT : 0);
    this.account(cur, now);
    cur.state = "blocked";
    if (wq) wq.push(cur);
    if (deadline !== Number.POSITIVE_INFINITY) this.armTimer(cur.timer, deadline);
    this.pol.onBlock(cur);
    return this.park(cur, now);
  }
  /** Puts the running thread back in the run queue and runs the next one. */
  yield() {
    return this.reschedule("yield");
  }
  reschedule(reason) {
    const cur = this.requireCurrent("yield");
    if (cur.pendingExit !== void 0) this.exit(cur.pendingExit);
    this.needResched = false;
    const now = this.now();
    this.account(cur, now);
    cur.state = "ready";
    this.pol.enqueue(cur, reason);
    return this.park(cur, now);
  }
  /** Takes interrupts (a context switch is an interrupt window), then switches away from `cur`. */
  park(cur, now) {
    const p = new Promise((res, rej) => {
      cur.resolve = res;
      cur.reject = rej;
    });
    const host = this.lcpu.poll();
    if (host) void host.then(() => this.switchAway(this.now()));
    else this.switchAway(now);
    return p;
  }
  switchAway(now) {
    if (this.stopped) return;
    const next = this.pol.pickNext();
    if (next) this.dispatch(next, now);
    else this.enterIdle();
  }
  dispatch(t, now) {
    if (this.cur !== t) {
      this.st.switches++;
      this.opts.onSwitch?.(this.cur, t, now);
    }
    this.cur = t;
    t.state = "running";
    t.dispatchedAt = now;
    t.dispatches++;
    if (t.wokenAt >= 0) {
      const lat = now - t.wokenAt;
      this.st.latCount++;
      this.st.latTotal += lat;
      if (lat > this.st.latMax) this.st.latMax = lat;
      t.wokenAt = -1;
    }
    this.armTick(t, now);
    if (t.attention) this.runHook(t);
    if (t.pendingExit !== void 0) t.reject(new RkThreadExit(t, t.pendingExit));
    else t.resolve(t.wakeReason);
  }
  /** Charges `t` the CPU time since it was dispatched (or last charged). */
  account(t, now) {
    const d = now - t.dispatchedAt;
    t.cpuNs += d;
    if (t.rt) t.rt.jobCpuNs += d;
    t.dispatchedAt = now;
  }
  /** Makes a blocked thread runnable with `reason` as its wait result. May run in IRQ context. */
  wake(t, reason) {
    if (t.state !== "blocked") return false;
    if (t.wq) t.wq.unlink(t);
    if (t.timer.armed) this.timers.remove(t.timer);
    t.wakeReason = reason;
    t.wokenAt = this.now();
    this.st.wakeups++;
    if (t.releasePending) {
      t.releasePending = false;
      this.pol.onRelease(t);
    }
    this.makeReady(t, "wake");
    return true;
  }
  makeReady(t, reason) {
    t.state = "ready";
    this.pol.enqueue(t, reason);
    const r = this.cur;
    if (r && r !== t && r.state === "running" && this.pol.shouldPreempt(t, r))
      this.needResched = true;
  }
  unthrottle(t) {
    if (t.state === "ready" && t.rt?.throttled) {
      t.rt.throttled = false;
      this.makeReady(t, "release");
    }
  }
  // ---- idle -----------------------------------------------------------------------------------
  enterIdle() {
    if (this.cur) this.opts.onSwitch?.(this.cur, null, this.now());
    this.cur = null;
    this.disarmTimer(this.tickTimer);
    const r = this.idleResolve;
    this.idleResolve = null;
    r?.();
  }
  async idleLoop() {
    for (; ; ) {
      await new Promise((r) => {
        this.idleResolve = r;
      });
      for (; ; ) {
        if (this.stopped) return;
        const next = this.pol.pickNext();
        if (next) {
          this.dispatch(next, this.now());
          break;
        }
        const dl = this.timers.earliest();
        const t0 = this.now();
        this.st.idleHalts++;
        if (dl === Number.POSITIVE_INFINITY) await this.lcpu.halt();
        else await this.lcpu.haltUntil(dl);
        const t1 = this.now();
        this.st.idleNs += t1 - t0;
        this.timers.expire(t1);
        this.rearm();
      }
    }
  }
  runMain(main2) {
    if (this.started)
      return Promise.reject(new RkError(Errno.EBUSY, "rksched: runMain called twice"));
    this.started = true;
    return new Promise((resolve, reject) => {
      this.mainDone = { resolve, reject };
      this.idleLoop().catch((e) => this.fail(e, null));
      this.mainThread = this.create(main2, [], { name: this.opts.mainName ?? "main" });
      this.enterIdle();
    });
  }
  // ---- preemption, interrupts, hooks ------------------------------------------------------------
  preemptPoint() {
    const host = this.lcpu.poll();
    if (host) return host.then(() => this.afterPoll());
    return this.afterPoll();
  }
  /** The preemption check every kernel entry runs (locks, mailboxes, non-blocking calls). */
  kernelEntry() {
    return this.preemptPoint();
  }
  afterPoll() {
    const cur = this.cur;
    if (!cur) return void 0;
    if (cur.attention) this.runHook(cur);
    if (cur.pendingExit !== void 0) this.exit(cur.pendingExit);
    if (cur.rt?.aborted) return Promise.reject(this.periodic.abortError(cur));
    if (!this.needResched) return void 0;
    this.st.preemptions++;
    return this.reschedule("preempt");
  }
  interrupt(target) {
    const t = target;
    if (t.state === "blocked") return this.wake(t, -Errno.EINTR);
    if (t.state !== "exited") t.intrPending = true;
    return false;
  }
  setDispatchHook(hook) {
    this.hook = hook;
  }
  requestAttention(t) {
    t.attention = true;
  }
  inHook = false;
  runHook(t) {
    t.attention = false;
    this.inHook = true;
    try {
      this.hook?.(t);
    } finally {
      this.inHook = false;
    }
  }
  // ---- misc API -------------------------------------------------------------------------------
  sleep(ns) {
    return this.block(null, this.now() + Math.max(0, ns));
  }
  sleepUntil(deadlineNs) {
    return this.block(null, deadlineNs);
  }
  waitPeriod() {
    return this.periodic.waitPeriod(this.requireCurrent("waitPeriod"));
  }
  activate(t) {
    this.periodic.activate(t);
  }
  noteMiss(t) {
    const rt = t.rt;
    if (!rt || rt.missed) return;
    rt.missed = true;
    rt.misses++;
    this.st.misses++;
  }
  current() {
    return this.requireCurrent("current");
  }
  currentOrNull() {
    return this.cur;
  }
  requireCurrent(op) {
    const t = this.cur;
    if (!t) throw new RkError(Errno.EPERM, `rksched: ${op}() called outside thread context`);
    return t;
  }
  setPrio(target, prio) {
    const t = target;
    validateAttr({ prio });
    if (t.state === "ready") this.pol.dequeue(t);
    const lowered = prio < t.prio;
    t.prio = prio;
    this.pol.onPrioChange(t, prio);
    if (t.state === "ready") this.makeReady(t, "wake");
    else if (t === this.cur && lowered) this.needResched = true;
  }
  waitQueue() {
    return new WaitQueueImpl(this);
  }
  tlsKey(init) {
    const core = this;
    const key = {
      get(thread) {
        const t = thread ?? core.current();
        if (!t.tls.has(key)) t.tls.set(key, init());
        return t.tls.get(key);
      },
      set(value, thread) {
        (thread ?? core.current()).tls.set(key, value);
      }
    };
    return key;
  }
  threads() {
    return [...this.live];
  }
  stats() {
    const s = this.st;
    return {
      policy: this.policy,
      switches: s.switches,
      preemptions: s.preemptions,
      threadsCreated: s.created,
      threadsLive: this.live.size,
      idleHalts: s.idleHalts,
      idleNs: s.idleNs,
      wakeups: s.wakeups,
      wakeLatency: { count: s.latCount, totalNs: s.latTotal, maxNs: s.latMax },
      deadlineMisses: s.misses
    };
  }
};

// ../../packages/rksched/src/registry.ts
function provideSched(registry, sched) {
  const loose = registry;
  loose.provide("rksched", sched);
  const dbg = loose.tryGet("rkdebug");
  dbg?.trace?.setThreadIdSource(() => sched.currentOrNull()?.id ?? 0);
}
function getSched(registry) {
  const s = registry.tryGet("rksched");
  if (!s)
    throw new Error(
      "rksched: no scheduler in this image (add rksched-rr, rksched-edf or rksched-mlq to the app's dependencies)"
    );
  return s;
}

// ../../packages/rksched/src/run-queue.ts
var RkRunQueue = class {
  head = null;
  tail = null;
  n = 0;
  get length() {
    return this.n;
  }
  get first() {
    return this.head;
  }
  has(t) {
    return t.rq === this;
  }
  pushBack(t) {
    if (t.rq) throw new Error(`rksched: thread "${t.name}" is already in a run queue`);
    t.rq = this;
    t.rqNext = null;
    t.rqPrev = this.tail;
    if (this.tail) this.tail.rqNext = t;
    else this.head = t;
    this.tail = t;
    this.n++;
  }
  pushFront(t) {
    if (t.rq) throw new Error(`rksched: thread "${t.name}" is already in a run queue`);
    t.rq = this;
    t.rqPrev = null;
    t.rqNext = this.head;
    if (this.head) this.head.rqPrev = t;
    else this.tail = t;
    this.head = t;
    this.n++;
  }
  popFront() {
    const t = this.head;
    if (t) this.remove(t);
    return t;
  }
  /** Unlinks `t`; returns false if it is not in this queue. */
  remove(t) {
    if (t.rq !== this) return false;
    if (t.rqPrev) t.rqPrev.rqNext = t.rqNext;
    else this.head = t.rqNext;
    if (t.rqNext) t.rqNext.rqPrev = t.rqPrev;
    else this.tail = t.rqPrev;
    t.rq = t.rqPrev = t.rqNext = null;
    this.n--;
    return true;
  }
  *[Symbol.iterator]() {
    for (let t = this.head; t; t = t.rqNext) yield t;
  }
};

// ../../packages/rksched-rr/src/policy.ts
function createRrPolicy(opts = {}) {
  const slice = opts.sliceNs ?? 1e7;
  if (!(slice > 0)) throw new RangeError(`rksched-rr: slice ${slice} ns must be positive`);
  const usePrio = opts.priorities ?? true;
  const levels = /* @__PURE__ */ new Map();
  let order = [];
  let ready = 0;
  let host = null;
  let slicesExpired = 0;
  const lvl = (t) => usePrio ? t.prio : 0;
  function queueOf(p) {
    let q = levels.get(p);
    if (!q) {
      q = new RkRunQueue();
      levels.set(p, q);
      order = [...levels.keys()].sort((a, b) => b - a);
    }
    return q;
  }
  return {
    name: "rr",
    attach(h) {
      host = h;
    },
    admit: () => 0,
    enqueue(t, _reason) {
      queueOf(lvl(t)).pushBack(t);
      ready++;
    },
    dequeue(t) {
      if (t.rq?.remove(t)) ready--;
    },
    pickNext() {
      if (ready === 0) return null;
      for (const p of order) {
        const t = levels.get(p).popFront();
        if (t) {
          ready--;
          return t;
        }
      }
      return null;
    },
    onBlock() {
    },
    onTick(t) {
      slicesExpired++;
      if (ready === 0) return false;
      for (const p of order) {
        if (p < lvl(t)) return false;
        if (levels.get(p).length > 0) return true;
      }
      return false;
    },
    nextTick: (_t, now) => now + slice,
    shouldPreempt: (woken, running) => usePrio && woken.prio > running.prio,
    onRelease() {
    },
    onExit() {
    },
    onPrioChange() {
      void host;
    },
    stats: () => ({ sliceNs: slice, ready, slicesExpired })
  };
}

// ../../packages/rksched-rr/src/index.ts
var library = defineLibrary({
  name: "rksched-rr",
  version: "0.1.0",
  provides: ["rksched"],
  requires: ["rkplat"],
  initLevel: "plat",
  params: {
    slice_us: { type: "number", default: 1e4, min: 1, integer: true, doc: "time slice in \xB5s" },
    priorities: { type: "boolean", default: true, doc: "honour thread priorities (strict levels)" }
  },
  init({ registry, plat, params }) {
    const policy = createRrPolicy({
      sliceNs: params.slice_us * 1e3,
      priorities: params.priorities
    });
    provideSched(registry, createSched(plat, policy));
  }
});

// ../../packages/rklock/src/condvar.ts
var RkCondVar = class {
  constructor(sched) {
    this.sched = sched;
    this.wq = sched.waitQueue();
  }
  sched;
  wq;
  get waiters() {
    return this.wq.length;
  }
  /**
   * Atomically releases `m` and waits for a signal (or `timeoutNs`), then re-acquires `m`.
   * @returns 0, -ETIMEDOUT, -EINTR, or -EPERM (caller does not own `m`). Parks the caller.
   */
  async wait(m, timeoutNs) {
    if (m.owner !== this.sched.currentOrNull()) return -Errno.EPERM;
    m.unlock();
    const r = await this.wq.wait(timeoutNs);
    await m.lock();
    return r;
  }
  /** Wakes one waiter. May run in IRQ context. */
  signal() {
    this.wq.wakeOne();
  }
  /** Wakes every waiter. May run in IRQ context. */
  broadcast() {
    this.wq.wakeAll();
  }
};

// ../../packages/rklock/src/mutex.ts
var OK = Promise.resolve(0);
var INF = Number.POSITIVE_INFINITY;
var RkMutex = class {
  constructor(sched, opts = {}) {
    this.sched = sched;
    this.wq = sched.waitQueue();
    this.recursive = opts.recursive ?? false;
  }
  sched;
  ownerT = null;
  depth = 0;
  wq;
  recursive;
  /** Acquisitions that had to wait (contention statistics). */
  contended = 0;
  get owner() {
    return this.ownerT;
  }
  get locked() {
    return this.ownerT !== null;
  }
  /** Acquires the mutex. @returns 0, or -EDEADLK (non-recursive relock by the owner). Parks the caller. */
  lock() {
    return this.lockUntil(INF);
  }
  /** As lock() but gives up after `timeoutNs`. @returns 0, -ETIMEDOUT or -EDEADLK. */
  timedLock(timeoutNs) {
    return this.lockUntil(this.sched.now() + Math.max(0, timeoutNs));
  }
  /** Takes the mutex if free. @returns 0, -EBUSY, or -EDEADLK. Never parks. */
  tryLock() {
    const cur = this.sched.current();
    if (this.ownerT === null) {
      this.ownerT = cur;
      this.depth = 1;
      return 0;
    }
    if (this.ownerT === cur) return this.relock();
    return -Errno.EBUSY;
  }
  /** Releases the mutex, handing it to the longest waiter. @returns 0 or -EPERM (caller is not the owner). */
  unlock() {
    if (this.ownerT !== this.sched.currentOrNull()) return -Errno.EPERM;
    if (--this.depth > 0) return 0;
    const next = this.wq.wakeOne();
    this.ownerT = next;
    this.depth = next ? 1 : 0;
    return 0;
  }
  relock() {
    if (!this.recursive) return -Errno.EDEADLK;
    this.depth++;
    return 0;
  }
  lockUntil(deadline) {
    const cur = this.sched.current();
    if (this.ownerT === null) {
      this.ownerT = cur;
      this.depth = 1;
      const p = this.sched.preemptPoint();
      return p ? p.then(() => 0) : OK;
    }
    if (this.ownerT === cur) return Promise.resolve(this.relock());
    return this.slow(cur, deadline);
  }
  async slow(cur, deadline) {
    this.contended++;
    for (; ; ) {
      const r = await this.wq.waitUntil(deadline);
      if (this.ownerT === cur) return 0;
      if (r === -Errno.ETIMEDOUT) return r;
    }
  }
};

// ../../packages/rklock/src/rwlock.ts
var RkRwLock = class {
  constructor(sched) {
    this.sched = sched;
    this.rq = sched.waitQueue();
    this.wq = sched.waitQueue();
  }
  sched;
  readersN = 0;
  writer = null;
  writersWaiting = 0;
  rq;
  wq;
  get readers() {
    return this.readersN;
  }
  get writeLocked() {
    return this.writer !== null;
  }
  /** Shared lock. @returns 0, -ETIMEDOUT (with timeoutNs), -EDEADLK (caller holds it for writing). */
  async readLock(timeoutNs) {
    if (this.writer === this.sched.current()) return -Errno.EDEADLK;
    const r = await this.rq.waitEvent(
      () => this.writer === null && this.writersWaiting === 0,
      timeoutNs
    );
    if (r !== 0) return r === -Errno.EINTR ? this.readLock(timeoutNs) : r;
    this.readersN++;
    return 0;
  }
  /** Exclusive lock. @returns 0, -ETIMEDOUT, or -EDEADLK (caller already holds it for writing). */
  async writeLock(timeoutNs) {
    const cur = this.sched.current();
    if (this.writer === cur) return -Errno.EDEADLK;
    this.writersWaiting++;
    const deadline = timeoutNs === void 0 ? Number.POSITIVE_INFINITY : this.sched.now() + timeoutNs;
    for (; ; ) {
      if (this.writer === null && this.readersN === 0) break;
      const r = await this.wq.waitUntil(deadline);
      if (r === -Errno.ETIMEDOUT && !(this.writer === null && this.readersN === 0)) {
        this.writersWaiting--;
        if (this.writersWaiting === 0) this.rq.wakeAll();
        return r;
      }
    }
    this.writersWaiting--;
    this.writer = cur;
    return 0;
  }
  tryReadLock() {
    if (this.writer !== null || this.writersWaiting > 0) return -Errno.EBUSY;
    this.readersN++;
    return 0;
  }
  tryWriteLock() {
    if (this.writer !== null || this.readersN > 0) return -Errno.EBUSY;
    this.writer = this.sched.current();
    return 0;
  }
  /** Releases a read or write hold of the caller. @returns 0 or -EPERM (not held). */
  unlock() {
    if (this.writer !== null) {
      if (this.writer !== this.sched.currentOrNull()) return -Errno.EPERM;
      this.writer = null;
    } else if (this.readersN > 0) {
      this.readersN--;
    } else {
      return -Errno.EPERM;
    }
    if (this.writer === null && this.readersN === 0 && this.writersWaiting > 0) this.wq.wakeOne();
    else if (this.writersWaiting === 0) this.rq.wakeAll();
    return 0;
  }
};

// ../../packages/rklock/src/semaphore.ts
var OK2 = Promise.resolve(0);
var RkSemaphore = class {
  constructor(sched, initial = 0) {
    this.sched = sched;
    if (!Number.isInteger(initial) || initial < 0)
      throw new RangeError(`rklock: semaphore count ${initial} must be a non-negative integer`);
    this.n = initial;
    this.wq = sched.waitQueue();
  }
  sched;
  n;
  wq;
  get count() {
    return this.n;
  }
  /** P: takes one unit, waiting for it. @returns 0 or -EINTR. Parks the caller. */
  down() {
    return this.downUntil(Number.POSITIVE_INFINITY);
  }
  /** As down() with a timeout. @returns 0, -ETIMEDOUT or -EINTR. */
  timedDown(timeoutNs) {
    return this.downUntil(this.sched.now() + Math.max(0, timeoutNs));
  }
  /** Takes one unit if available. @returns 0 or -EAGAIN. Never parks. May run in IRQ context. */
  tryDown() {
    if (this.n === 0) return -Errno.EAGAIN;
    this.n--;
    return 0;
  }
  /** V: gives one unit, directly to the longest waiter if any. May run in IRQ context. */
  up() {
    if (!this.wq.wakeOne()) this.n++;
  }
  downUntil(deadline) {
    if (this.n > 0) {
      this.n--;
      const p = this.sched.preemptPoint();
      return p ? p.then(() => 0) : OK2;
    }
    return this.wq.waitUntil(deadline);
  }
};

// ../../packages/rklock/src/spinlock.ts
var RkSpinlock = class {
  constructor(lcpu, name = "spinlock") {
    this.lcpu = lcpu;
    this.name = name;
  }
  lcpu;
  name;
  held = false;
  get locked() {
    return this.held;
  }
  /** Disables interrupts and takes the lock. @returns the flags for unlockIrqRestore. Never parks. */
  lockIrqSave() {
    const flags = this.lcpu.irqSave();
    if (this.held) {
      this.lcpu.irqRestore(flags);
      throw new Error(`rklock: ${this.name} taken twice on one hart (would spin forever)`);
    }
    this.held = true;
    return flags;
  }
  unlockIrqRestore(flags) {
    if (!this.held) throw new Error(`rklock: ${this.name} released while not held`);
    this.held = false;
    this.lcpu.irqRestore(flags);
  }
  /** Runs `fn` with the lock held and interrupts off. */
  with(fn) {
    const f = this.lockIrqSave();
    try {
      return fn();
    } finally {
      this.unlockIrqRestore(f);
    }
  }
};

// ../../packages/rklock/src/index.ts
function createLockApi(sched, lcpu) {
  return {
    mutex: (o) => new RkMutex(sched, o),
    semaphore: (n) => new RkSemaphore(sched, n),
    rwlock: () => new RkRwLock(sched),
    condvar: () => new RkCondVar(sched),
    spinlock: (name) => new RkSpinlock(lcpu, name)
  };
}
function getLocks(registry) {
  return registry.get("rklock");
}
var library2 = defineLibrary({
  name: "rklock",
  version: "0.1.0",
  provides: ["rklock"],
  requires: ["rksched"],
  initLevel: "lib",
  init({ registry, plat }) {
    registry.provide(
      "rklock",
      createLockApi(getSched(registry), plat.lcpu)
    );
  }
});

// ../../packages/rkmbox/src/mbox.ts
var RkMbox = class {
  constructor(sched, capacity) {
    this.capacity = capacity;
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`rkmbox: capacity ${capacity} must be a positive integer`);
    this.buf = new Array(capacity);
    this.notFull = sched.waitQueue();
    this.notEmpty = sched.waitQueue();
  }
  capacity;
  buf;
  head = 0;
  n = 0;
  notFull;
  notEmpty;
  get length() {
    return this.n;
  }
  /** Posts `msg`, waiting for room (or `timeoutNs`). @returns 0, -ETIMEDOUT or -EINTR. Parks the caller. */
  async post(msg, timeoutNs) {
    const r = await this.notFull.waitEvent(() => this.n < this.capacity, timeoutNs);
    if (r !== 0) return r;
    this.put(msg);
    return 0;
  }
  /** Posts if there is room. @returns 0 or -EAGAIN. Never parks; may run in IRQ context. */
  tryPost(msg) {
    if (this.n === this.capacity) return -Errno.EAGAIN;
    this.put(msg);
    return 0;
  }
  /** Receives the oldest message, waiting for one (or `timeoutNs`). Parks the caller. */
  async recv(timeoutNs) {
    const r = await this.notEmpty.waitEvent(() => this.n > 0, timeoutNs);
    if (r !== 0) return { ok: false, errno: -r };
    return { ok: true, msg: this.take() };
  }
  /** Receives if a message is waiting. Never parks; may run in IRQ context. */
  tryRecv() {
    if (this.n === 0) return { ok: false, errno: Errno.EAGAIN };
    return { ok: true, msg: this.take() };
  }
  put(msg) {
    this.buf[(this.head + this.n) % this.capacity] = msg;
    this.n++;
    this.notEmpty.wakeOne();
  }
  take() {
    const m = this.buf[this.head];
    this.buf[this.head] = void 0;
    this.head = (this.head + 1) % this.capacity;
    this.n--;
    this.notFull.wakeOne();
    return m;
  }
};

// ../../packages/rkmbox/src/index.ts
function createMboxApi(sched) {
  return { create: (capacity) => new RkMbox(sched, capacity) };
}
function getMbox(registry) {
  return registry.get("rkmbox");
}
var library3 = defineLibrary({
  name: "rkmbox",
  version: "0.1.0",
  provides: ["rkmbox"],
  requires: ["rksched"],
  initLevel: "lib",
  init({ registry }) {
    registry.provide(
      "rkmbox",
      createMboxApi(getSched(registry))
    );
  }
});

// ../../packages/rksignal/src/signals.ts
var SIG = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31
};
var NSIG = 32;
var IGNORED = /* @__PURE__ */ new Set([
  SIG.SIGCHLD,
  SIG.SIGCONT,
  SIG.SIGURG,
  SIG.SIGWINCH,
  SIG.SIGSTOP,
  SIG.SIGTSTP,
  SIG.SIGTTIN,
  SIG.SIGTTOU
]);
var CORE = /* @__PURE__ */ new Set([
  SIG.SIGQUIT,
  SIG.SIGILL,
  SIG.SIGTRAP,
  SIG.SIGABRT,
  SIG.SIGBUS,
  SIG.SIGFPE,
  SIG.SIGSEGV,
  SIG.SIGXCPU,
  SIG.SIGXFSZ,
  SIG.SIGSYS
]);
function defaultAction(sig) {
  if (IGNORED.has(sig)) return "ign";
  return CORE.has(sig) ? "core" : "term";
}
function isUncatchable(sig) {
  return sig === SIG.SIGKILL || sig === SIG.SIGSTOP;
}
function validSignal(sig) {
  return Number.isInteger(sig) && sig >= 1 && sig < NSIG;
}
var sigbit = (sig) => 1 << sig;

// ../../packages/rksignal/src/api.ts
var RkSignals = class {
  constructor(sched) {
    this.sched = sched;
    sched.setDispatchHook((t) => this.deliver(t));
  }
  sched;
  actions = new Array(NSIG).fill("default");
  /** Signals delivered per number (statistics). */
  deliveredCount = new Array(NSIG).fill(0);
  st(t) {
    let s = t.signalData;
    if (!s) {
      s = { mask: 0, pending: 0, sender: [], wq: this.sched.waitQueue(), delivered: 0 };
      t.signalData = s;
    }
    return s;
  }
  /** Sets the action for `sig`; @returns the previous action, or -EINVAL. */
  sigaction(sig, action) {
    if (!validSignal(sig) || isUncatchable(sig)) return -Errno.EINVAL;
    const old = this.actions[sig];
    this.actions[sig] = action;
    return old;
  }
  /** Sends `sig` to thread `t`. @returns 0, -EINVAL (bad signal) or -ESRCH (thread exited). May run in IRQ context. */
  kill(t, sig) {
    if (!validSignal(sig)) return -Errno.EINVAL;
    if (t.state === "exited") return -Errno.ESRCH;
    const act = this.actions[sig];
    if (act === "ignore" || act === "default" && defaultAction(sig) === "ign") return 0;
    const s = this.st(t);
    s.pending |= sigbit(sig);
    s.sender[sig] = this.sched.currentOrNull();
    s.wq.wakeAll();
    if (isUncatchable(sig) || !(s.mask & sigbit(sig))) this.notify(t);
    return 0;
  }
  /** Sends `sig` to the calling thread; delivered at its next kernel entry. */
  raise(sig) {
    return this.kill(this.sched.current(), sig);
  }
  /** Changes the calling thread's mask. @returns the old mask (bit n = signal n), or -EINVAL. */
  sigprocmask(how, set) {
    const t = this.sched.current();
    const s = this.st(t);
    const old = s.mask;
    const clean = set & ~(sigbit(9) | sigbit(19) | 1);
    if (how === "block") s.mask |= clean;
    else if (how === "unblock") s.mask &= ~clean;
    else if (how === "setmask") s.mask = clean;
    else return -Errno.EINVAL;
    if (s.pending & ~s.mask) this.sched.requestAttention(t);
    return old;
  }
  /** Pending signals of `t` (bit set). */
  pending(t) {
    return t.signalData?.pending ?? 0;
  }
  /**
   * Waits until a signal in `set` is pending for the caller, and takes it without running its action.
   * @returns the signal number, -ETIMEDOUT, or -EINTR. Parks the caller.
   */
  async sigwait(set, timeoutNs) {
    const s = this.st(this.sched.current());
    const r = await s.wq.waitEvent(() => (s.pending & set) !== 0, timeoutNs);
    if (r < 0 && !(s.pending & set)) return r;
    const sig = 31 - Math.clz32(s.pending & set & -(s.pending & set));
    s.pending &= ~sigbit(sig);
    return sig;
  }
  /** Sleeps until a signal is delivered. @returns -EINTR. */
  pause() {
    return this.sched.sleepUntil(Number.POSITIVE_INFINITY);
  }
  notify(t) {
    this.sched.requestAttention(t);
    if (t.state === "blocked") this.sched.interrupt(t);
  }
  /** The dispatch hook: runs the actions of pending unmasked signals in `t`'s context. */
  deliver(t) {
    const s = t.signalData;
    if (!s) return;
    for (; ; ) {
      const ready = s.pending & (~s.mask | sigbit(9));
      if (!ready) return;
      const sig = 31 - Math.clz32(ready & -ready);
      s.pending &= ~sigbit(sig);
      s.delivered++;
      this.deliveredCount[sig]++;
      const act = this.actions[sig];
      if (typeof act === "function") act(sig, { sender: s.sender[sig] ?? null });
      else if (act === "default" && defaultAction(sig) !== "ign") {
        this.sched.kill(t, 128 + sig);
        return;
      }
    }
  }
};

// ../../packages/rksignal/src/index.ts
function getSignals(registry) {
  return registry.get("rksignal");
}
var library4 = defineLibrary({
  name: "rksignal",
  version: "0.1.0",
  provides: ["rksignal"],
  requires: ["rksched"],
  initLevel: "lib",
  init({ registry }) {
    registry.provide(
      "rksignal",
      new RkSignals(getSched(registry))
    );
  }
});

// ../../packages/rktime/src/clock.ts
var CLOCK_REALTIME = 0;
var CLOCK_MONOTONIC = 1;
var CLOCK_PROCESS_CPUTIME_ID = 2;
var CLOCK_THREAD_CPUTIME_ID = 3;
var toTimespec = (ns) => ({
  sec: Math.floor(ns / 1e9),
  nsec: ns % 1e9
});
var RkClocks = class {
  constructor(time, sched) {
    this.time = time;
    this.sched = sched;
  }
  time;
  sched;
  /** The clock's value in ns (number; realtime as bigint would overflow 2^53 ns in 2255). */
  nowNs(id) {
    switch (id) {
      case CLOCK_REALTIME:
        return Number(this.time.wallClockNs());
      case CLOCK_MONOTONIC:
        return this.time.monotonicNs();
      case CLOCK_PROCESS_CPUTIME_ID:
        return this.time.monotonicNs() - this.sched.stats().idleNs;
      case CLOCK_THREAD_CPUTIME_ID:
        return this.sched.current().cpuNs;
      default:
        return -Errno.EINVAL;
    }
  }
  /** clock_gettime. @returns the time, or -EINVAL for an unknown clock. */
  gettime(id) {
    if (id < 0 || id > 3 || !Number.isInteger(id)) return -Errno.EINVAL;
    return toTimespec(this.nowNs(id));
  }
  /** clock_getres. */
  getres(id) {
    if (id < 0 || id > 3 || !Number.isInteger(id)) return -Errno.EINVAL;
    return toTimespec(this.time.resolutionNs);
  }
  /**
   * nanosleep: sleeps `ns`. @returns `{ ret: 0 }`, or `{ ret: -EINTR, remainingNs }` when a signal
   * interrupted it, or -EINVAL for a negative duration. Parks the caller.
   */
  async nanosleep(ns) {
    if (!(ns >= 0)) return { ret: -Errno.EINVAL, remainingNs: 0 };
    const end = this.time.monotonicNs() + ns;
    const ret = await this.sched.sleepUntil(end);
    return { ret, remainingNs: ret === 0 ? 0 : Math.max(0, end - this.time.monotonicNs()) };
  }
  /** clock_nanosleep on CLOCK_MONOTONIC or CLOCK_REALTIME, relative or absolute (TIMER_ABSTIME). */
  clockNanosleep(id, ns, absolute = false) {
    if (id !== CLOCK_MONOTONIC && id !== CLOCK_REALTIME) return Promise.resolve(-Errno.EINVAL);
    const now = this.nowNs(id);
    const rel = absolute ? ns - now : ns;
    return this.sched.sleepUntil(this.time.monotonicNs() + Math.max(0, rel));
  }
};

// ../../packages/rktime/src/timer.ts
var RkKernelTimer = class {
  constructor(sched, onExpire) {
    this.sched = sched;
    this.onExpire = onExpire;
    this.t = new RkTimer((now) => this.fire(now));
    this.wq = sched.waitQueue();
  }
  sched;
  onExpire;
  t;
  wq;
  next = 0;
  period = 0;
  /** Expirations not yet consumed by wait() (timer_getoverrun + 1). */
  unseen = 0;
  /** Total expirations. */
  expirations = 0;
  get armed() {
    return this.t.armed;
  }
  /** Arms the timer to expire after `firstNs`, then every `periodNs` (0 = one-shot). @returns 0 or -EINVAL. */
  arm(firstNs, periodNs = 0) {
    if (!(firstNs >= 0) || !(periodNs >= 0)) return -Errno.EINVAL;
    this.period = periodNs;
    this.next = this.sched.now() + firstNs;
    this.sched.armTimer(this.t, this.next);
    return 0;
  }
  disarm() {
    this.sched.disarmTimer(this.t);
    this.period = 0;
  }
  /**
   * Waits for the next expiry (or returns at once if some were missed).
   * @returns the number of expirations consumed (≥ 1), -ETIMEDOUT or -EINTR. Parks the caller.
   */
  async wait(timeoutNs) {
    const r = await this.wq.waitEvent(() => this.unseen > 0, timeoutNs);
    if (r < 0) return r;
    const n = this.unseen;
    this.unseen = 0;
    return n;
  }
  fire(now) {
    let n = 1;
    if (this.period > 0) {
      const late = now - this.next;
      const skipped = Math.floor(late / this.period);
      n += skipped;
      this.next += (skipped + 1) * this.period;
      this.sched.armTimer(this.t, this.next);
    }
    this.expirations += n;
    this.unseen += n;
    this.wq.wakeAll();
    this.onExpire?.(this);
  }
};

// ../../packages/rktime/src/index.ts
function createTimeApi(time, sched) {
  return { clocks: new RkClocks(time, sched), timer: (f) => new RkKernelTimer(sched, f) };
}
function getTime(registry) {
  return registry.get("rktime");
}
var library5 = defineLibrary({
  name: "rktime",
  version: "0.1.0",
  provides: ["rktime"],
  requires: ["rksched"],
  initLevel: "lib",
  init({ registry, plat }) {
    registry.provide(
      "rktime",
      createTimeApi(plat.time, getSched(registry))
    );
  }
});

// src/scenarios.ts
async function mailbox({ sched, mbox, say }) {
  const box = mbox.create(4);
  let sum = 0;
  let count = 0;
  const producers = [0, 1, 2].map(
    (p) => sched.spawn(`producer${p}`, async () => {
      for (let i = 1; i <= 50; i++) await box.post(p * 1e3 + i);
    })
  );
  const consumers = [0, 1].map(
    (c) => sched.spawn(`consumer${c}`, async () => {
      for (; ; ) {
        const r = await box.recv(5e7);
        if (!r.ok) return r.errno === Errno.ETIMEDOUT ? 0 : 1;
        sum += r.msg;
        count++;
      }
    })
  );
  for (const t of producers) await sched.join(t);
  let bad2 = 0;
  for (const t of consumers) bad2 += await sched.join(t);
  const want = 3 * (50 * 51) / 2 + 50 * (0 + 1e3 + 2e3);
  say(
    `mailbox: ${count} messages from 3 producers to 2 consumers, sum ${sum === want ? "ok" : `WRONG ${sum}`}`
  );
  return count === 150 && sum === want && bad2 === 0;
}
async function mutex({ sched, locks, say }) {
  const m = locks.mutex();
  let inside = 0;
  let maxInside = 0;
  let counter = 0;
  const ts = Array.from(
    { length: 8 },
    (_, i) => sched.spawn(`worker${i}`, async () => {
      for (let k = 0; k < 100; k++) {
        await m.lock();
        inside++;
        maxInside = Math.max(maxInside, inside);
        const v = counter;
        await sched.yield();
        counter = v + 1;
        inside--;
        m.unlock();
      }
    })
  );
  for (const t of ts) await sched.join(t);
  say(
    `mutex: 8 threads x 100 increments = ${counter}, max inside ${maxInside}, contended ${m.contended}`
  );
  return counter === 800 && maxInside === 1;
}
async function periodic({ sched, time, say }) {
  const timer = time.timer();
  const period = 1e7;
  const t0 = sched.now();
  timer.arm(period, period);
  let worst = 0;
  const task = sched.spawn("periodic", async () => {
    for (let k = 1; k <= 10; k++) {
      await timer.wait();
      worst = Math.max(worst, Math.abs(sched.now() - t0 - k * period));
    }
  });
  await sched.join(task);
  timer.disarm();
  say(`timer: 10 activations every 10 ms, worst jitter ${worst} ns`);
  return worst < 1e6;
}
async function signal({ sched, signals, time, say }) {
  let handled = "";
  signals.sigaction(SIG.SIGUSR1, (n) => {
    handled = `${sched.current().name} got signal ${n}`;
  });
  const sleeper = sched.spawn("sleeper", async () => {
    const r = await time.clocks.nanosleep(1e10);
    return r.ret === -Errno.EINTR && r.remainingNs > 9e9 ? 0 : 1;
  });
  await sched.sleep(5e6);
  signals.kill(sleeper, SIG.SIGUSR1);
  const ok = await sched.join(sleeper) === 0;
  say(`signal: 10 s sleep interrupted after 5 ms (EINTR), handler: ${handled}`);
  return ok && handled === "sleeper got signal 10";
}

// src/main.ts
async function main({ registry, plat }) {
  const sched = getSched(registry);
  const kit = {
    sched,
    locks: getLocks(registry),
    mbox: getMbox(registry),
    signals: getSignals(registry),
    time: getTime(registry),
    say: (line) => plat.console.out(`${line}
`)
  };
  kit.say(`sched: policy ${sched.policy}`);
  let failed = 0;
  for (const scenario of [mailbox, mutex, periodic, signal]) if (!await scenario(kit)) failed++;
  const s = sched.stats();
  kit.say(
    `sched: ${s.switches} switches, ${s.threadsCreated} threads, ${s.wakeups} wake-ups, ${s.idleHalts} idle halts, virtual time ${(sched.now() / 1e6).toFixed(1)} ms`
  );
  kit.say(
    failed === 0 ? "sched demo: all scenarios passed" : `sched demo: ${failed} scenario(s) FAILED`
  );
  return failed;
}

// build/entry.generated.ts
var image = {
  name: "@runikraft/app-sched-rr",
  version: "0.1.0",
  libraries: [library, library2, library3, library4, library5],
  main,
  params: { "rksched-rr.slice_us": 1e3 }
};
function entry(hart, a0, a1) {
  return platEntry(hart, a0, a1, (plat) => bootImage(plat, image));
}
export {
  entry as default
};
//# sourceMappingURL=image.mjs.map
