/**
 * Korail's NetFunnel as the app goes through it: the take's reply names the node that holds the
 * ticket, the polls and the release go there, each poll's key replaces the last, the release sends
 * the last key (so no slot is left taken), and the pass codes 300/303 pass with nothing to release.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import { dayAhead, provider, sim } from './setup.ts';

describe('Korail NetFunnel on several nodes', () => {
  let s: RailSim;
  afterEach(async () => {
    await s.close();
  });

  const search = (date: string) =>
    provider(s, 'korail').search({ from: '서울', to: '강릉', date, time: '200000', until: '200000' });

  it('an immediate pass is released on the node that holds it: no slot left taken', async () => {
    s = await sim({ blockThreshold: 100_000 });
    expect(s.netfunnelNodes.length).toBe(3);
    const before = s.counts().netfunnel;
    const trains = await search(dayAhead(s));
    expect(trains.length).toBeGreaterThan(0);
    const after = s.counts().netfunnel;
    expect(after.take - before.take).toBe(1);
    expect(after.poll - before.poll).toBe(0);
    expect(after.complete - before.complete).toBe(1);
    // Released at the main host, the node would never hear of it (503) and the slot would leak.
    expect(after.wrongNode).toBe(0);
    expect(after.open).toBe(0);
  });

  it('a queued ticket polls its node, takes each new key, and releases the last one', async () => {
    s = await sim({ blockThreshold: 100_000, netfunnelWaitPolls: 3 });
    const before = s.counts().netfunnel;
    const trains = await search(dayAhead(s));
    expect(trains.length).toBeGreaterThan(0);
    const after = s.counts().netfunnel;
    expect(after.take - before.take).toBe(1);
    expect(after.poll - before.poll).toBe(3);
    expect(after.complete - before.complete).toBe(1);
    expect(after.wrongNode).toBe(0);
    // The release with an old (swapped) key would find nothing and leave the slot taken.
    expect(after.open).toBe(0);
  });

  it.each([300, 303] as const)('pass code %i: passes without a key, nothing to release', async (code) => {
    s = await sim({ blockThreshold: 100_000, netfunnelWaitPolls: 3 });
    s.setNetfunnelPassCode(code);
    const before = s.counts().netfunnel;
    const trains = await search(dayAhead(s));
    expect(trains.length).toBeGreaterThan(0);
    const after = s.counts().netfunnel;
    expect(after.take - before.take).toBe(1);
    expect(after.poll - before.poll).toBe(0);
    expect(after.complete - before.complete).toBe(0);
    expect(after.open).toBe(0);
  });

  it('a reserve goes through the queue on its node too, and leaves no slot', async () => {
    // Logs in to Korail: the anti-macro check is off.
    s = await sim({ blockThreshold: 100_000, netfunnelWaitPolls: 1, korailMacroCheck: false });
    const p = provider(s, 'korail');
    await p.login({ id: '1234567890', password: 'sim-password' });
    const date = dayAhead(s);
    const train = (await p.search({ from: '서울', to: '부산', date, time: '120000' })).find(
      (t) => t.general === 'available',
    );
    expect(train).toBeDefined();
    const r = await p.reserve(train!, { passengers: { adult: 1 } });
    expect(r.seats).toHaveLength(1);
    expect(s.counts().netfunnel.wrongNode).toBe(0);
    expect(s.counts().netfunnel.open).toBe(0);
  });
});
