import { describe, expect, it } from 'vitest';
import { nextDelay, pollInterval } from './poll.ts';

describe('nextDelay', () => {
  it('waits the interval while answers come, doubling per failure up to the cap, spread ±20 %', () => {
    const mid = () => 0.5;
    expect(nextDelay(2000, 0, 300_000, mid)).toBe(2000);
    expect(nextDelay(2000, 1, 300_000, mid)).toBe(4000);
    expect(nextDelay(2000, 3, 300_000, mid)).toBe(16000);
    expect(nextDelay(2000, 20, 300_000, mid)).toBe(300_000);
    expect(nextDelay(2000, 0, 300_000, () => 0)).toBe(1600);
    expect(nextDelay(2000, 0, 300_000, () => 0.999999)).toBe(2400);
  });
});

describe('pollInterval', () => {
  it('polls at the interval while visible, at the hidden interval (or not at all) while hidden', () => {
    expect(pollInterval(true, 3000, 30_000)).toBe(3000);
    expect(pollInterval(false, 3000, 30_000)).toBe(30_000);
    expect(pollInterval(false, 3000)).toBeUndefined();
    expect(pollInterval(false, 3000, 0)).toBeUndefined();
  });
});
