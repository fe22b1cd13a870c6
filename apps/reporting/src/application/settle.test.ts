import { expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { settleInOrder } from './settle.js';

test('all fulfilled: the values, in argument order, typed per position', async () => {
  const [a, b] = await settleInOrder([sleep(5).then(() => 1), Promise.resolve('two')]);
  expect([a, b]).toEqual([1, 'two']);
});

test('the failure of the first failing promise in argument order wins, not the fastest one', async () => {
  const slowFirst = sleep(20).then(() => Promise.reject(new Error('first')));
  const fastSecond = Promise.reject(new Error('second'));
  await expect(settleInOrder([slowFirst, fastSecond])).rejects.toThrow('first');
});

test('waits for every call, so none is still running (or unhandled) when the answer goes out', async () => {
  let finished = false;
  const slow = sleep(20).then(() => {
    finished = true;
  });
  await expect(settleInOrder([Promise.reject(new Error('x')), slow])).rejects.toThrow('x');
  expect(finished).toBe(true);
});
