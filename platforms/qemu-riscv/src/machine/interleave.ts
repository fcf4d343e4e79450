// How N harts share one host thread (DESIGN.md §4 `-smp N`): exactly one hart holds the CPU token and
// runs; it passes the token on only at wfi and at its switch points (poll(), a wfi with an interrupt
// already pending), in FIFO order. No decision depends on host time, so under the virtual clock the
// interleaving is the same on every run: an SMP race found once is reproduced every time.
import type { HartImpl } from './hart/hart';

interface Waiting {
  readonly hart: HartImpl;
  readonly resume: () => void;
}

export class Interleaver {
  /** The hart that runs now, or null when every started hart waits in wfi. */
  private running: HartImpl | null = null;
  /** Harts that want the CPU, oldest first. */
  private readonly ready: Waiting[] = [];
  /** Times the token passed from one hart to another (stats, determinism tests). */
  switches = 0;
  /** Observer of every grant (tests record the interleaving with it). */
  onGrant: ((hartid: number) => void) | null = null;

  /** The hart holding the token, or null. */
  get current(): HartImpl | null {
    return this.running;
  }

  /** True when another hart waits for the token (a switch point should pass it on). */
  get contended(): boolean {
    return this.ready.length > 0;
  }

  /**
   * `hart` wants to run (started, or woken from wfi): `resume` is called when it holds the token —
   * at once when no hart runs, else when the harts queued before it have had their turn.
   */
  acquire(hart: HartImpl, resume: () => void): void {
    if (this.running === null || this.running === hart) {
      this.grant(hart, resume);
      return;
    }
    this.ready.push({ hart, resume });
  }

  /** A switch point of the running `hart`: @returns a promise resolved at its next turn, or null to go on. */
  yield(hart: HartImpl): Promise<void> | null {
    if (this.ready.length === 0 || this.running !== hart) return null;
    const turn = new Promise<void>((resume) => this.ready.push({ hart, resume }));
    this.passOn();
    return turn;
  }

  /** `hart` waits in wfi (or stopped): the token goes to the next hart in line. */
  release(hart: HartImpl): void {
    const i = this.ready.findIndex((w) => w.hart === hart);
    if (i >= 0) this.ready.splice(i, 1);
    if (this.running === hart) this.passOn();
  }

  /** Forgets every hart (reset, power-off). */
  clear(): void {
    this.running = null;
    this.ready.length = 0;
  }

  private passOn(): void {
    const prev = this.running;
    const next = this.ready.shift();
    this.running = null;
    if (!next) return;
    if (prev !== null && prev !== next.hart) this.switches++;
    this.grant(next.hart, next.resume);
  }

  private grant(hart: HartImpl, resume: () => void): void {
    if (this.running !== hart) {
      this.running = hart;
      this.onGrant?.(hart.hartid);
    }
    resume();
  }
}
