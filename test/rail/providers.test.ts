/** Both real adapters against the stand-in operator over real HTTP on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import { addDays, BOOKING_DAYS, kstEpoch, kstTime } from '../../sims/rail/world.ts';
import type { ProviderName, RailProvider, Train } from '../../src/modules/rail/providers/index.ts';
import { dayAhead, MEMBER, provider, ROUTES, railError, sim } from './setup.ts';

const CREDENTIALS: Record<ProviderName, { id: string; password: string }> = {
  srt: MEMBER,
  korail: { id: 'sim@yeyak.local', password: 'sim-password' },
};

describe.each(['srt', 'korail'] as const)('%s adapter against the sim', (name) => {
  let s: RailSim;
  let p: RailProvider;
  const route = ROUTES[name];
  let date: string;

  beforeAll(async () => {
    // Pacing is off in tests, so the block threshold is raised here; blocking has its own tests.
    // Logs in to Korail: the stand-in's anti-macro check (on by default) is off.
    s = await sim({ blockThreshold: 100_000, korailMacroCheck: false });
    p = provider(s, name);
    date = dayAhead(s, 5);
    await p.login(CREDENTIALS[name]);
  });
  afterAll(() => s.close());

  const search = (time = '060000') => p.search({ from: route.from, to: route.to, date, time });
  const pick = (trains: Train[], pred: (t: Train) => boolean) => {
    const t = trains.find(pred);
    if (!t) throw new Error('the seeded timetable has no such train');
    return t;
  };

  it('logs in with membership number, e-mail and phone; refuses bad credentials', async () => {
    expect(p.session?.name).toBe('홍길동');
    const other = provider(s, name);
    expect((await other.login({ id: 'sim@yeyak.local', password: 'sim-password' })).memberNo).toBe(
      '1234567890',
    );
    expect((await other.login({ id: '01012345678', password: 'sim-password' })).memberNo).toBe('1234567890');
    expect((await other.login({ id: '010-1234-5678', password: 'sim-password' })).memberNo).toBe(
      '1234567890',
    );
    await railError(other.login({ id: '1234567890', password: 'wrong' }), 'bad-credentials');
    await railError(other.login({ id: '9999999999', password: 'sim-password' }), 'bad-credentials');
    expect(other.session).toBeUndefined();
  });

  it('reads every page of the day from the given time', async () => {
    const trains = await search('060000');
    const expected = s.world.search(name, route.fromCode, route.toCode, date, '060000');
    expect(trains.length).toBeGreaterThan(20); // several pages of ~10 rows
    expect(trains.map((t) => t.trainNo)).toEqual(expected.map((v) => String(v.train.trainNo)));
    expect(trains.every((t) => t.departure >= '060000' && t.date === date)).toBe(true);
    const sorted = [...trains].sort((a, b) => a.departure.localeCompare(b.departure));
    expect(trains.map((t) => t.departure)).toEqual(sorted.map((t) => t.departure));
    const t = trains[0];
    expect(t.provider).toBe(name);
    expect(t.from.name).toBe(route.from);
    expect(t.to.name).toBe(route.to);
    expect(t.arrival > t.departure).toBe(true);
    // Some trains are seeded sold out, most are not.
    expect(trains.some((x) => x.general === 'sold-out')).toBe(true);
    expect(trains.some((x) => x.general === 'available')).toBe(true);
    const evening = await search('200000');
    expect(evening.length).toBeLessThan(trains.length);
    expect(evening.every((x) => x.departure >= '200000')).toBe(true);
  });

  it('suggests the nearest station for an unknown name', async () => {
    const e = await railError(p.search({ from: '부선', to: route.from, date }), 'no-such-station');
    expect(e.suggestions).toContain('부산');
  });

  it('reserves with several passenger types, window seats and the operator deadline', async () => {
    const train = pick(await search('070000'), (t) => t.general === 'available' && t.special === 'available');
    const r = await p.reserve(train, {
      passengers: { adult: 1, child: 1, senior: 1, disability1to3: 1, disability4to6: 1 },
      seatPolicy: 'general-first',
      seatPosition: 'window',
    });
    expect(r.id).toMatch(/^\d{14,15}$/);
    expect(r.trainNo).toBe(train.trainNo);
    expect(r.seatCount).toBe(5);
    expect(r.seats).toHaveLength(5);
    expect(r.seatClass).toBe('general');
    expect(r.seats.every((x) => /^\d+[AD]$/.test(x.seat))).toBe(true); // window letters
    expect(r.totalPrice).toBe(r.seats.reduce((sum, x) => sum + (x.price ?? 0), 0));
    // Discounts: the adult pays the most.
    const prices = r.seats.map((x) => x.price ?? 0);
    expect(Math.max(...prices)).toBe(r.seats.find((x) => /adult|어른/.test(x.passengerType ?? ''))?.price);
    // Every seat carries the class's standard fare and the discount off it, as the operator's rows do.
    const standard = r.seats[0].standardPrice ?? 0;
    expect(standard).toBe(train.price);
    for (const x of r.seats) {
      expect(x.standardPrice).toBe(standard);
      expect((x.standardPrice ?? 0) - (x.discount ?? 0)).toBe(x.price);
    }
    expect(r.seats.filter((x) => x.discount === 0)).toHaveLength(1);
    expect(r.standby).toBe(false);
    expect(r.paid).toBe(false);
    const deadline = Date.parse(r.paymentDeadline ?? '');
    expect(deadline - s.world.now()).toBeGreaterThan(9 * 60_000);
    expect(deadline - s.world.now()).toBeLessThanOrEqual(10 * 60_000 + 1000);
  });

  it('follows the seat policy', async () => {
    const trains = await search('080000');
    const both = pick(trains, (t) => t.general === 'available' && t.special === 'available');
    expect((await p.reserve(both, { passengers: { adult: 1 }, seatPolicy: 'special-first' })).seatClass).toBe(
      'special',
    );
    expect((await p.reserve(both, { passengers: { adult: 1 }, seatPolicy: 'general-only' })).seatClass).toBe(
      'general',
    );
    const onlySpecial = pick(trains, (t) => t.general === 'sold-out' && t.special === 'available');
    expect(
      (await p.reserve(onlySpecial, { passengers: { adult: 1 }, seatPolicy: 'general-first' })).seatClass,
    ).toBe('special');
    await railError(
      p.reserve(onlySpecial, { passengers: { adult: 1 }, seatPolicy: 'general-only' }),
      'sold-out',
    );
  });

  it('turns a lost race for the last seat (잔여석없음) into a sold-out error', async () => {
    const train = pick(await search('090000'), (t) => t.general === 'available');
    s.seedSoldOut(name, date, Number(train.trainNo));
    const e = await railError(
      p.reserve(train, { passengers: { adult: 1 }, seatPolicy: 'general-first' }),
      'sold-out',
    );
    expect(e.operatorMessage).toBe('잔여석없음');
    expect(e.retryable).toBe(true);
    const again = (await search('090000')).find((t) => t.trainNo === train.trainNo);
    expect(again?.general).toBe('sold-out');
    expect(again?.special === 'sold-out' || again?.special === 'absent').toBe(true);
  });

  it('joins a standby list, and the released seat goes to it first', async () => {
    const candidate = pick(
      await search('100000'),
      (t) => t.general === 'available' && (t.group === 'KTX' || t.group === 'SRT'),
    );
    s.seedSoldOut(name, date, Number(candidate.trainNo), 'general');
    const train = (await search('100000')).find((t) => t.trainNo === candidate.trainNo)!;
    expect(train.general).toBe('sold-out');
    expect(train.standby).toBe(true);
    const r = await p.requestStandby(train, {
      passengers: { adult: 2 },
      seatPolicy: 'general-only',
      sms: false,
    });
    expect(r.standby).toBe(true);
    expect(r.paymentDeadline).toBeUndefined();
    expect(r.seatCount).toBe(2);
    // Two seats come back from cancellations: they go to the standby request.
    expect(s.releaseSeats(name, date, Number(train.trainNo), 'general', 2)).toBe(2);
    const after = (await p.listReservations()).find((x) => x.id === r.id)!;
    expect(after.standby).toBe(false);
    expect(after.paymentDeadline).toBeDefined();
    expect((await search('100000')).find((t) => t.trainNo === train.trainNo)?.general).toBe('sold-out');
    // Standby is not offered on a train with seats.
    const open = pick(await search('100000'), (t) => t.general === 'available');
    await railError(p.requestStandby(open, { passengers: { adult: 1 } }), 'sold-out');
  });

  it('lists and cancels reservations', async () => {
    const train = pick(await search('110000'), (t) => t.general === 'available');
    const r = await p.reserve(train, { passengers: { adult: 1 } });
    const listed = await p.listReservations();
    const mine = listed.find((x) => x.id === r.id);
    expect(mine?.trainNo).toBe(train.trainNo);
    expect(mine?.departure).toBe(train.departure);
    expect(mine?.paymentDeadline).toBe(r.paymentDeadline);
    await p.cancel(r);
    expect((await p.listReservations()).some((x) => x.id === r.id)).toBe(false);
  });

  it('lets unpaid holds expire at the deadline', async () => {
    const train = pick(await search('120000'), (t) => t.general === 'available');
    const r = await p.reserve(train, { passengers: { adult: 1 } });
    s.advance(11 * 60_000);
    expect((await p.listReservations()).some((x) => x.id === r.id)).toBe(false);
  });

  it('logs in again once when the session expires', async () => {
    const loginPath =
      name === 'srt' ? '/apb/selectListApb01080_n.do' : '/classes/com.korail.mobile.login.Login';
    const before = s.counts().byPath[loginPath] ?? 0;
    s.expireSessions();
    await p.listReservations();
    expect(s.counts().byPath[loginPath]).toBe(before + 1);
    s.advance(31 * 60_000); // idle timeout
    await p.listReservations();
    expect(s.counts().byPath[loginPath]).toBe(before + 2);
  });

  it('waits in the NetFunnel queue when told to', async () => {
    s.setNetfunnelWaitPolls(3);
    if (name === 'srt') s.expireNetfunnelKeys();
    const polls = s.counts().netfunnel.poll;
    await search('200000');
    expect(s.counts().netfunnel.poll - polls).toBeGreaterThanOrEqual(3);
    s.setNetfunnelWaitPolls(0);
  });

  it('needs a login for reservations', async () => {
    const anonymous = provider(s, name);
    await railError(anonymous.listReservations(), 'not-logged-in');
  });
});

describe('train type filter', () => {
  let s: RailSim;
  beforeAll(async () => {
    s = await sim({ blockThreshold: 100_000 });
  });
  afterAll(() => s.close());

  it('keeps only the asked families on Korail, and SRT has only SRT', async () => {
    const k = provider(s, 'korail');
    const date = dayAhead(s, 3);
    const all = await k.search({ from: '서울', to: '부산', date });
    expect(new Set(all.map((t) => t.group))).toEqual(new Set(['KTX', 'ITX', 'mugunghwa']));
    const ktx = await k.search({ from: '서울', to: '부산', date, trainTypes: ['KTX'] });
    expect(ktx.length).toBeGreaterThan(10);
    expect(ktx.every((t) => t.group === 'KTX')).toBe(true);
    const slow = await k.search({ from: '서울', to: '부산', date, trainTypes: ['ITX', 'mugunghwa'] });
    expect(slow.every((t) => t.group !== 'KTX')).toBe(true);
    expect(slow.some((t) => t.type === 'ITX-새마을') && slow.some((t) => t.type === '무궁화호')).toBe(true);
    const gangneung = await k.search({ from: '서울', to: '강릉', date });
    expect(gangneung.every((t) => t.type === 'KTX-산천')).toBe(true);
    const srt = provider(s, 'srt');
    expect(await srt.search({ from: '수서', to: '목포', date, trainTypes: ['KTX'] })).toEqual([]);
    const mokpo = await srt.search({ from: '수서', to: '목포', date, trainTypes: ['SRT'] });
    expect(mokpo.length).toBeGreaterThan(5);
    expect(mokpo.every((t) => t.type === 'SRT')).toBe(true);
  });
});

describe('what the stand-in sells', () => {
  let s: RailSim;
  beforeAll(async () => {
    s = await sim({ blockThreshold: 100_000 });
  });
  afterAll(() => s.close());

  it('no date before today or past the booking window (D-30 SRT, D-31 Korail from 07:00), no train that has left', async () => {
    // Korean noon today, so some of today's trains have left (the clock only moves forward).
    const noon = kstEpoch(s.today(), 12 * 60) - s.world.now();
    if (noon > 0) s.advance(noon);
    const today = s.today();
    const opened = kstTime(s.world.now()) >= '070000';
    for (const name of ['srt', 'korail'] as const) {
      const p = provider(s, name);
      const route = name === 'srt' ? { from: '수서', to: '부산' } : { from: '서울', to: '부산' };
      const past = await railError(p.search({ ...route, date: addDays(today, -1) }), 'operator');
      expect(past.message).toContain('지난 날짜');
      const days = BOOKING_DAYS[name];
      const late = await railError(p.search({ ...route, date: addDays(today, days + 1) }), 'operator');
      expect(late.message).toContain('예매 가능 기간');
      // The last day of the window opens at 07:00 KST.
      if (opened)
        expect((await p.search({ ...route, date: addDays(today, days) })).length).toBeGreaterThan(0);
      else await railError(p.search({ ...route, date: addDays(today, days) }), 'operator');
      const now = kstTime(s.world.now());
      const left = await p.search({ ...route, date: today });
      expect(left.length).toBeGreaterThan(0);
      expect(left.every((t) => t.departure > now)).toBe(true);
      // Korail rows carry the adult general fare, as SRT's do.
      expect(left.every((t) => (t.price ?? 0) > 0)).toBe(true);
    }
  });
});
