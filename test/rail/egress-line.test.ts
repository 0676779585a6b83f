/**
 * The egress line's order: polls go only when the line is free, so what a user or a found seat
 * waits on stands behind at most the slot already taken; and an account's spacing counts from its
 * previous request's start (the moment its egress slot came), not from when it asked for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers.ts';
import { type RailTestEnv, railApp } from './app.ts';

describe.each(backends)('the egress line on %s', (backend) => {
  let env: RailTestEnv;
  let n = 0;
  // Keys of their own per test: the app's polls use the real operator keys.
  const keys = () => {
    n++;
    return { egress: `test:egress:${n}`, account: `test:account:${n}` };
  };

  beforeAll(async () => {
    env = await railApp(backend, { pollMs: 600_000 });
  });
  afterAll(() => env.stop());

  it('a poll takes no slot while others are queued, and leaves the queue as it was', async () => {
    const pacing = env.t.y.rail.pacing;
    const k = keys();
    // A free line: the poll's slot is now.
    expect(await pacing.takeIfFree(k.egress, 1000)).toEqual({ waitMs: 0 });
    // Two slots ahead are taken (a hold's requests): a poll gets none and hears how long.
    await pacing.take(k.egress, 1000);
    await pacing.take(k.egress, 1000);
    const busy = await pacing.takeIfFree(k.egress, 1000);
    expect('busyMs' in busy && busy.busyMs).toBeGreaterThan(2000);
    // The next request that must go (a hold) still gets the slot right after those two.
    const next = await pacing.take(k.egress, 1000);
    expect('waitMs' in next && next.waitMs).toBeGreaterThan(2000);
    expect('waitMs' in next && next.waitMs).toBeLessThan(3200);
  });

  it("an account's next request counts its second from when the last one left", async () => {
    const pacing = env.t.y.rail.pacing;
    const k = keys();
    const then = { key: k.account, intervalMs: 1000 };
    // The egress is 2 s deep when the account's first request asks.
    await pacing.take(k.egress, 1000);
    await pacing.take(k.egress, 1000);
    const a1 = await pacing.take(k.account, 1000);
    const e1 = await pacing.take(k.egress, 1000, then);
    expect(a1).toEqual({ waitMs: 0 });
    const leaves1 = 'waitMs' in e1 ? e1.waitMs : Number.NaN;
    expect(leaves1).toBeGreaterThan(1800);
    // Its next request may not leave before 1 s after the first left (not 1 s after it asked).
    const a2 = await pacing.take(k.account, 1000);
    expect('waitMs' in a2 && a2.waitMs).toBeGreaterThanOrEqual(leaves1 + 1000 - 150);
  });

  it('a paused line refuses polls and holds alike', async () => {
    const pacing = env.t.y.rail.pacing;
    const k = keys();
    await pacing.take(k.egress, 1000);
    await pacing.pause(k.egress, 5, 'test block');
    expect(await pacing.takeIfFree(k.egress, 1000)).toMatchObject({ reason: 'test block' });
    expect(await pacing.take(k.egress, 1000, { key: k.account, intervalMs: 1000 })).toMatchObject({
      reason: 'test block',
    });
  });
});
