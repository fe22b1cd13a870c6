import { describe, expect, test } from '@jest/globals';
import { runPeriodically } from './periodic.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPeriodically', () => {
  test('runs at once, then again after each run ends, never two at a time; a failure is reported and the next run goes on', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const errors: unknown[] = [];
    const task = runPeriodically(
      5,
      async () => {
        running++;
        overlapped ||= running > 1;
        runs++;
        await sleep(15);
        running--;
        if (runs === 2) throw new Error('second run fails');
      },
      (err) => errors.push(err),
    );
    while (runs < 4) await sleep(5);
    await task.stop();
    expect(overlapped).toBe(false);
    expect(errors).toEqual([new Error('second run fails')]);
  });

  test('stop aborts the run in flight through its signal, waits for it, and nothing runs afterwards', async () => {
    let runs = 0;
    let aborted = false;
    const task = runPeriodically(
      1,
      async (signal) => {
        runs++;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted = signal.aborted;
      },
      () => undefined,
    );
    await sleep(10);
    await task.stop();
    expect(aborted).toBe(true);
    const after = runs;
    await sleep(20);
    expect(runs).toBe(after);
    expect(after).toBe(1);
  });
});
