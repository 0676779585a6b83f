/** The operators' protections: NetFunnel keys, IP blocks, anti-macro refusals, and our own pacing. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import { dayAhead, MEMBER, provider, railError, sim } from './setup.ts';

let s: RailSim | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('NetFunnel', () => {
  it('SRT: a key the server calls stale (NET000001) is replaced once', async () => {
    s = await sim({ blockThreshold: 100_000 });
    const p = provider(s, 'srt');
    const date = dayAhead(s);
    await p.search({ from: '수서', to: '부산', date, time: '200000' });
    const takes = s.counts().netfunnel.take;
    // The cached key is reused while fresh...
    await p.search({ from: '수서', to: '부산', date, time: '200000' });
    expect(s.counts().netfunnel.take).toBe(takes);
    // ...and replaced once when the server stops accepting it.
    s.expireNetfunnelKeys();
    const trains = await p.search({ from: '수서', to: '부산', date, time: '200000' });
    expect(trains.length).toBeGreaterThan(0);
    expect(s.counts().netfunnel.take).toBe(takes + 1);
  });

  it('SRT: a fresh key refused too gives a netfunnel-stale error, after exactly one refresh', async () => {
    s = await sim({ blockThreshold: 100_000 });
    const p = provider(s, 'srt');
    s.setNetfunnelKeyTtl(0);
    const before = s.counts();
    const e = await railError(p.search({ from: '수서', to: '부산', date: dayAhead(s) }), 'netfunnel-stale');
    expect(e.code).toBe('NET000001');
    const after = s.counts();
    expect(after.netfunnel.take - before.netfunnel.take).toBe(2);
    expect(
      (after.byPath['/ara/selectListAra10007_n.do'] ?? 0) -
        (before.byPath['/ara/selectListAra10007_n.do'] ?? 0),
    ).toBe(2);
  });

  it('SRT: reserve sends a key too and refreshes a stale one', async () => {
    s = await sim({ blockThreshold: 100_000 });
    const p = provider(s, 'srt');
    await p.login(MEMBER);
    const train = (await p.search({ from: '수서', to: '대전', date: dayAhead(s) })).find(
      (t) => t.general === 'available',
    )!;
    s.expireNetfunnelKeys();
    const r = await p.reserve(train, { passengers: { adult: 1 } });
    expect(r.seats).toHaveLength(1);
  });

  it('Korail: a queue ticket dropped while waiting is taken again once; twice is an error', async () => {
    s = await sim({ blockThreshold: 100_000, netfunnelWaitPolls: 1 });
    const p = provider(s, 'korail');
    const date = dayAhead(s);
    s.staleNetfunnelPolls(1);
    const before = s.counts().netfunnel;
    const trains = await p.search({ from: '서울', to: '강릉', date, time: '200000' });
    expect(trains.length).toBeGreaterThan(0);
    const after = s.counts().netfunnel;
    expect(after.take - before.take).toBeGreaterThanOrEqual(2);
    expect(after.complete - before.complete).toBeGreaterThanOrEqual(1);
    s.staleNetfunnelPolls(2);
    await railError(p.search({ from: '서울', to: '강릉', date, time: '200000' }), 'netfunnel-stale');
  });
});

describe('blocking', () => {
  it.each(['srt', 'korail'] as const)(
    '%s: above the rate threshold the operator blocks and the adapter stops',
    async (name) => {
      // Logs in to Korail: the anti-macro check is off.
      s = await sim({ blockThreshold: 6, korailMacroCheck: false });
      const p = provider(s, name);
      await p.login(name === 'srt' ? MEMBER : { id: 'sim@yeyak.local', password: 'sim-password' });
      const date = dayAhead(s);
      const route = name === 'srt' ? { from: '수서', to: '부산' } : { from: '서울', to: '부산' };
      let err: unknown;
      // Bounded: the sim blocks after 6 requests a minute; a search is several pages.
      for (let i = 0; i < 10 && !err; i++) {
        try {
          await p.search({ ...route, date });
        } catch (e) {
          err = e;
        }
      }
      expect((err as { kind?: string }).kind).toBe('blocked');
      expect(p.stoppedBy?.kind).toBe('blocked');
      expect(p.session).toBeUndefined();
      // Stopped for good: no more requests reach the operator, whatever we call.
      const count = s.counts().total;
      await railError(p.search({ ...route, date }), 'blocked');
      await railError(p.listReservations(), 'blocked');
      await railError(
        p.login(name === 'srt' ? MEMBER : { id: 'sim@yeyak.local', password: 'sim-password' }),
        'blocked',
      );
      expect(s.counts().total).toBe(count);
      if (name === 'srt') expect(p.stoppedBy?.operatorMessage).toContain('IP Address Blocked');
      else expect(p.stoppedBy?.code).toBe('-2000');
    },
  );

  it('SRT: a blocked address gets the plain-text answer even at login', async () => {
    s = await sim({ blockThreshold: 1 });
    const first = provider(s, 'srt');
    await first.login(MEMBER);
    const second = provider(s, 'srt');
    const e = await railError(second.login(MEMBER), 'blocked');
    expect(e.message).toMatch(/no workaround/);
  });

  it('Korail: MACRO ERROR at login (no app token) is a refused login, not a block, not retried', async () => {
    s = await sim({ korailMacroCheck: true });
    const p = provider(s, 'korail');
    const e = await railError(p.login({ id: 'sim@yeyak.local', password: 'sim-password' }), 'login-refused');
    expect(e.code).toBe('MACRO ERROR');
    expect(e.message).toMatch(/^Korail refuses this login: it accepts logins from its own app only/);
    expect(s.counts().byPath['/classes/com.korail.mobile.login.Login']).toBe(1);
    // The adapter is not stopped: searches (no login) still go.
    expect(p.stoppedBy).toBeUndefined();
    expect(
      (await p.search({ from: '서울', to: '부산', date: dayAhead(s), time: '200000' })).length,
    ).toBeGreaterThan(0);
  });
});

describe('pacing and inventory', () => {
  it('never sends requests closer than the minimum interval', async () => {
    s = await sim();
    const p = provider(s, 'srt', { minIntervalMs: 30 });
    const started = Date.now();
    await p.login(MEMBER);
    await p.listReservations();
    await p.listReservations();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('releases seats of sold-out trains at the configured cancellation rate', async () => {
    s = await sim({ blockThreshold: 100_000 });
    const p = provider(s, 'korail');
    const date = dayAhead(s);
    const train = (await p.search({ from: '서울', to: '부산', date, trainTypes: ['KTX'] })).find(
      (t) => t.general === 'available',
    )!;
    s.seedSoldOut('korail', date, Number(train.trainNo), 'general');
    const find = async () =>
      (await p.search({ from: '서울', to: '부산', date, time: train.departure, trainTypes: ['KTX'] })).find(
        (t) => t.trainNo === train.trainNo,
      )!;
    expect((await find()).general).toBe('sold-out');
    s.setCancellationRate(2);
    s.advance(30_000);
    expect((await find()).general).toBe('available');
    expect(Number((await find()).raw.h_std_rest_seat_cnt)).toBe(1);
  });

  it('lays out the same timetable for the same seed', async () => {
    s = await sim({ seed: 42 });
    const other = await sim({ seed: 42 });
    try {
      const a = s.world.timetable.map((t) => `${t.trainNo}@${t.stops[0].dep}`);
      const b = other.world.timetable.map((t) => `${t.trainNo}@${t.stops[0].dep}`);
      expect(a).toEqual(b);
      expect(a.length).toBeGreaterThan(200);
    } finally {
      await other.close();
    }
  });
});
