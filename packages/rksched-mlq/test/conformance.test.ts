import { createSched } from '@runikraft/rksched';
import { describeRkSched } from '@runikraft/rksched/conformance';
import { createSimPlat } from '@runikraft/rksched/sim';
import { expect, it } from 'vitest';
import { createMlqPolicy } from '../src/policy';

const MS = 1e6;

describeRkSched(
  'rksched-mlq',
  (plat) => createSched(plat, createMlqPolicy({ sliceNs: 1 * MS, agingNs: 20 * MS })),
  {
    priorities: true,
    timeSlicing: true,
    extra() {
      it('mlq: aging lets a low-priority thread run despite top-level threads that never use a full slice', async () => {
        const plat = createSimPlat({ cpuNsPerPoll: 10_000 });
        const sched = createSched(plat, createMlqPolicy({ sliceNs: 1 * MS, agingNs: 20 * MS }));
        let done = false;
        let ranAt = -1;
        await sched.runMain(async () => {
          const hogs = [0, 1, 2].map((i) =>
            sched.spawn(
              `gamer${i}`,
              async () => {
                while (!done) {
                  for (let k = 0; k < 50; k++) await sched.preemptPoint(); // 0.5 ms, less than a slice
                  await sched.yield();
                }
              },
              { prio: 10 },
            ),
          );
          const low = sched.spawn(
            'low',
            () => {
              ranAt = plat.time.monotonicNs();
              done = true;
            },
            { prio: -10 },
          );
          await sched.join(low);
          for (const h of hogs) await sched.join(h);
          return 0;
        });
        expect(ranAt).toBeGreaterThan(0);
        expect(ranAt).toBeLessThan(8 * 20 * MS + 10 * MS); // at most one aging step per level
      });

      it('mlq: a thread using whole slices sinks below an interactive one', async () => {
        const plat = createSimPlat({ cpuNsPerPoll: 10_000 });
        const sched = createSched(plat, createMlqPolicy({ sliceNs: 1 * MS, agingNs: 1000 * MS }));
        let stop = false;
        await sched.runMain(async () => {
          const hog = sched.spawn('hog', async () => {
            while (!stop) await sched.preemptPoint();
          });
          const inter = sched.spawn('inter', async () => {
            for (let i = 0; i < 20; i++) await sched.sleep(2 * MS);
          });
          await sched.join(inter);
          stop = true;
          await sched.join(hog);
          expect(sched.stats().wakeLatency.maxNs).toBeLessThan(1 * MS);
          return 0;
        });
      });
    },
  },
);
