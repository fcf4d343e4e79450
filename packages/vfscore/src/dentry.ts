// Mounts and the name cache (Unikraft vfscore's struct mount and struct dentry): a dentry binds a
// name in a directory to a driver node; mounts hang off the dentry they cover.
import type { RkFs, RkFsNode } from './driver';

export class RkMount {
  readonly root: RkDentry;
  /** Open files and working directories on this mount (umount refuses while > 0). */
  busy = 0;
  /** Dentries holding each node, where the driver wants to hear when none does (fs.release). */
  private readonly holders = new Map<RkFsNode, number>();
  constructor(
    readonly id: number,
    readonly fs: RkFs<any, any>,
    readonly type: string,
    readonly source: string,
    readonly options: string,
    readonly readonly: boolean,
    /** The dentry this mount hides; null for "/". */
    readonly covered: RkDentry | null,
  ) {
    this.root = new RkDentry('', null, this, fs.root);
  }
  get nameMax(): number {
    return this.fs.caps.nameMax ?? 255;
  }

  /** A dentry now holds `node`. */
  hold(node: RkFsNode): void {
    if (this.fs.release) this.holders.set(node, (this.holders.get(node) ?? 0) + 1);
  }

  /** A dentry let `node` go; the driver releases it with the last (hard links share nodes). */
  drop(node: RkFsNode): void {
    if (!this.fs.release) return;
    const n = (this.holders.get(node) ?? 1) - 1;
    if (n > 0) this.holders.set(node, n);
    else {
      this.holders.delete(node);
      this.fs.release(node);
    }
  }
}

export class RkDentry {
  /** The parent; a mount's root has none (".." crosses to the covered dentry's parent). */
  parent: RkDentry | null;
  /** Children looked up so far (the name cache); used only when the driver allows it. */
  children: Map<string, RkDentry> | null = null;
  /** A mount on this dentry. */
  mounted: RkMount | null = null;
  /** Open files and working directories on this dentry; while > 0 the node is not released. */
  refs = 0;
  /** False once the name was removed or replaced: the dentry lives on for its open files only. */
  linked = true;
  private released = false;
  constructor(
    public name: string,
    parent: RkDentry | null,
    readonly mount: RkMount,
    readonly node: RkFsNode,
  ) {
    this.parent = parent;
    if (parent) mount.hold(node);
  }

  get type(): number {
    return this.node.type;
  }

  /** The cached child `name`, if caching is on. */
  cached(name: string): RkDentry | undefined {
    return this.mount.fs.caps.nameCache ? this.children?.get(name) : undefined;
  }

  /** Records `child` as this directory's entry `name` (replacing what was cached). */
  adopt(name: string, node: RkFsNode): RkDentry {
    const old = this.children?.get(name);
    if (old && old.node === node) return old;
    if (old) old.unlink();
    const d = new RkDentry(name, this, this.mount, node);
    if (!this.children) this.children = new Map();
    this.children.set(name, d);
    return d;
  }

  /** The name is gone (unlink, rmdir, rename over it, or a fresher lookup replaced it). */
  unlink(): void {
    if (!this.linked) return;
    this.linked = false;
    if (this.parent?.children?.get(this.name) === this) this.parent.children.delete(this.name);
    if (this.refs === 0) this.release();
  }

  /** Moves this dentry under `dir` as `name` (rename), dropping what that name held. */
  move(dir: RkDentry, name: string): void {
    if (this.parent?.children?.get(this.name) === this) this.parent.children.delete(this.name);
    const old = dir.children?.get(name);
    if (old && old !== this) old.unlink();
    this.parent = dir;
    this.name = name;
    if (!dir.children) dir.children = new Map();
    dir.children.set(name, this);
  }

  /** The dentry is gone for good: its node is released unless another dentry holds it. */
  release(): void {
    if (this.released || !this.parent) return;
    this.released = true;
    this.mount.drop(this.node);
  }

  /** Whether this dentry is `anc` or lies below it (following parents, not crossing mounts). */
  isWithin(anc: RkDentry): boolean {
    for (let d: RkDentry | null = this; d; d = d.parent) if (d === anc) return true;
    return false;
  }
}
