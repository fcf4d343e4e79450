import { Errno } from '@runikraft/errno';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { RkSignals } from '../src/api';
import { SIG, sigbit } from '../src/signals';

function setup() {
  const plat = createSimPlat({ cpuNsPerPoll: 1000 });
  const sched = createSched(plat, createRrPolicy());
  return { plat, sched, sig: new RkSignals(sched) };
}

describe('RkSignals', () => {
  it('a signal interrupts a sleep (-EINTR) and its handler runs in the target thread', async () => {
    const { sched, sig, plat } = setup();
    const seen: string[] = [];
    sig.sigaction(SIG.SIGUSR1, (n, info) =>
      seen.push(`${sched.current().name}:${n}:${info.sender?.name}`),
    );
    await sched.runMain(async () => {
      const t = sched.spawn('sleeper', async () => {
        const r = await sched.sleep(10e9);
        seen.push(`woke@${Math.floor(plat.time.monotonicNs() / 1e5)}`); // 100 µs units: + switch cost
        return r;
      });
      await sched.sleep(2_000_000);
      expect(sig.kill(t, SIG.SIGUSR1)).toBe(0);
      expect(await sched.join(t)).toBe(-Errno.EINTR);
      return 0;
    });
    expect(seen).toEqual(['sleeper:10:main', 'woke@20']);
  });

  it('default actions: SIGTERM terminates with 128+n, SIGCHLD is discarded, "ignore" discards', async () => {
    const { sched, sig } = setup();
    await sched.runMain(async () => {
      const t = sched.spawn('t', async () => {
        for (;;) await sched.sleep(1_000_000);
      });
      await sched.yield();
      expect(sig.kill(t, SIG.SIGCHLD)).toBe(0);
      await sched.sleep(3_000_000);
      expect(t.state).not.toBe('exited');
      sig.sigaction(SIG.SIGHUP, 'ignore');
      sig.kill(t, SIG.SIGHUP);
      expect(sig.pending(t)).toBe(0);
      sig.kill(t, SIG.SIGTERM);
      expect(await sched.join(t)).toBe(128 + SIG.SIGTERM);
      expect(sig.kill(t, SIG.SIGTERM)).toBe(-Errno.ESRCH);
      expect(sig.kill(t, 0)).toBe(-Errno.EINVAL);
      expect(sig.sigaction(SIG.SIGKILL, 'ignore')).toBe(-Errno.EINVAL);
      return 0;
    });
  });

  it('a masked signal stays pending without interrupting; unmasking delivers it at the next kernel entry', async () => {
    const { sched, sig } = setup();
    const log: string[] = [];
    sig.sigaction(SIG.SIGUSR2, () => log.push('handler'));
    await sched.runMain(async () => {
      const t = sched.spawn('masked', async () => {
        sig.sigprocmask('block', sigbit(SIG.SIGUSR2));
        expect(await sched.sleep(5_000_000)).toBe(0);
        log.push('slept');
        expect(sig.pending(sched.current())).toBe(sigbit(SIG.SIGUSR2));
        sig.sigprocmask('unblock', sigbit(SIG.SIGUSR2));
        await sched.preemptPoint();
        log.push('after');
      });
      await sched.sleep(1_000_000);
      sig.kill(t, SIG.SIGUSR2);
      await sched.join(t);
      return 0;
    });
    expect(log).toEqual(['slept', 'handler', 'after']);
  });

  it('SIGKILL terminates even when blocked; raise() delivers to self at the next kernel entry', async () => {
    const { sched, sig } = setup();
    await sched.runMain(async () => {
      const t = sched.spawn('victim', async () => {
        sig.sigprocmask('setmask', -1);
        await sched.sleep(1e12);
      });
      await sched.yield();
      sig.kill(t, SIG.SIGKILL);
      expect(await sched.join(t)).toBe(128 + 9);
      const self = sched.spawn('self', async () => {
        sig.raise(SIG.SIGTERM);
        await sched.yield();
        return 0;
      });
      expect(await sched.join(self)).toBe(128 + SIG.SIGTERM);
      return 0;
    });
  });

  it('sigwait takes a pending signal; an IRQ handler can send signals', async () => {
    const { sched, sig, plat } = setup();
    await sched.runMain(async () => {
      const me = sched.current();
      sig.sigprocmask('block', sigbit(SIG.SIGALRM));
      plat.irq.register(4, () => sig.kill(me, SIG.SIGALRM) === 0);
      plat.at(3_000_000, () => plat.raise(4));
      expect(await sig.sigwait(sigbit(SIG.SIGALRM))).toBe(SIG.SIGALRM);
      expect(plat.time.monotonicNs()).toBe(3_000_000);
      expect(await sig.sigwait(sigbit(SIG.SIGALRM), 1000)).toBe(-Errno.ETIMEDOUT);
      return 0;
    });
  });
});
