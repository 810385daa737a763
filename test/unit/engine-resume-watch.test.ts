// The resume watch (core/engine/resume-watch.ts): a wall clock ahead of the monotonic one by more
// than a few seconds means the machine slept.

import { describe, expect, it } from 'vitest';
import { ResumeWatch } from '../../core/engine/resume-watch.js';

function watchWithClock() {
  const clock = { wall: 1_000_000, monotonic: 500 };
  const resumes: number[] = [];
  const watch = new ResumeWatch((sleptMs) => resumes.push(sleptMs), { wallMs: () => clock.wall, monotonicMs: () => clock.monotonic });
  watch.start();
  watch.stop(); // ticks are driven by hand
  return { clock, resumes, watch };
}

describe('ResumeWatch', () => {
  it('says nothing while both clocks run together, even with a late tick', () => {
    const { clock, resumes, watch } = watchWithClock();
    for (const stepMs of [2000, 2000, 4500]) {
      clock.wall += stepMs;
      clock.monotonic += stepMs;
      watch.tick();
    }
    expect(resumes).toEqual([]);
  });

  it('reports a sleep once, with its length, when the wall clock ran on alone', () => {
    const { clock, resumes, watch } = watchWithClock();
    clock.wall += 2000 + 600_000; // ten minutes with the lid closed
    clock.monotonic += 2000;
    watch.tick();
    clock.wall += 2000;
    clock.monotonic += 2000;
    watch.tick();
    expect(resumes).toEqual([600_000]);
  });

  it('ignores a jump of a few seconds (scheduling, a small clock step)', () => {
    const { clock, resumes, watch } = watchWithClock();
    clock.wall += 2000 + 3000;
    clock.monotonic += 2000;
    watch.tick();
    expect(resumes).toEqual([]);
  });
});
