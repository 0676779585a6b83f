/**
 * What travellers ask for: several trains in one watch (the first with seats wins), a watch that
 * waits for a start time (the operator's opening) without polling, seat direction where the
 * operator takes it, the seat class and a split party said in the notices, and the payment
 * reminder and expiry notices.
 */
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesOpenAt } from '../../src/modules/rail/opening.ts';
import { seatsTogether } from '../../src/modules/rail/providers/types.ts';
import { railReservations } from '../../src/modules/rail/schema.ts';
import type { RailReservationView, TrainView, WatchView } from '../../src/modules/rail/service.ts';
import { addDays, kstDate } from '../../src/modules/rail/time.ts';
import { backends, eventually } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser, searchTrains, watchTrain, watchWhen } from './app.ts';
import { dayAhead, MEMBER } from './setup.ts';

type Notice = { title: string; body: string; link: string };

describe('seats together', () => {
  it('one car and the rows a party needs; a second car or far rows are not', () => {
    expect(seatsTogether([{ car: '3', seat: '5A' }])).toBeNull();
    expect(
      seatsTogether([
        { car: '3', seat: '5A' },
        { car: '3', seat: '5B' },
      ]),
    ).toBe(true);
    expect(
      seatsTogether([
        { car: '3', seat: '5A' },
        { car: '3', seat: '9B' },
      ]),
    ).toBe(false);
    expect(
      seatsTogether([
        { car: '3', seat: '5A' },
        { car: '4', seat: '5B' },
      ]),
    ).toBe(false);
    expect(seatsTogether(['6A', '6B', '7A', '7B'].map((seat) => ({ car: '2', seat })))).toBe(true);
  });
});

describe.each(backends)('traveller features, on %s', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof railUser>>;
  let trains: TrainView[];
  let date: string;
  let next = 0;
  /** A train of its own for each test, sold out in both classes. */
  const soldOut = () => {
    const t = trains[trains.length - 1 - next++];
    env.s.seedSoldOut('srt', date, Number(t.trainNo));
    return t;
  };
  const notices = async () =>
    (await user.api.get<{ notifications: Notice[] }>('/api/notifications')).body.data?.notifications ?? [];

  beforeAll(async () => {
    env = await railApp(backend, { payReminderMinutes: 5 });
    user = await railUser(env);
    expect((await user.api.put('/api/rail/accounts/korail', MEMBER)).status).toBe(200);
    date = dayAhead(env.s, 7);
    trains = (await searchTrains(user.api, { date, time: '06:00' })).filter((t) => t.special !== 'absent');
    expect(trains.length).toBeGreaterThan(8);
  });
  afterAll(() => env.stop());

  it('several trains in one watch: the one that frees a seat is reserved; unknown numbers are a 400', async () => {
    const [a, b, c] = [soldOut(), soldOut(), soldOut()];
    const bad = await watchTrain(user.api, { date, trainNo: a.trainNo, trainNos: [a.trainNo, '9999'] });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toMatch(/body\.trainNos.*9999/);
    const created = await user.api.post<{ watch: WatchView }>('/api/rail/watches', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      passengers: { adult: 1 },
      trainNos: [c.trainNo, b.trainNo, a.trainNo],
    });
    expect(created.status).toBe(201);
    const w = created.body.data?.watch as WatchView;
    expect(w.trainNos).toEqual([c.trainNo, b.trainNo, a.trainNo]);
    expect(w.trainNo).toBe(c.trainNo);
    await watchWhen(user.api, w.id, (x) => x.attempts >= 1);
    // Only the middle one of the list frees a seat: that is the one held.
    env.s.releaseSeats('srt', date, Number(b.trainNo), 'general', 1);
    const done = await watchWhen(user.api, w.id, (x) => x.status === 'reserved');
    expect(done.reservation?.trainNo).toBe(b.trainNo);
    expect(done.reservation?.seatClass).toBe('general');
  });

  it('a date past the booking window waits for the opening: not polled, no budget, "opens at" shown', async () => {
    const today = kstDate();
    const beyond = addDays(today, 33);
    const before = env.s.counts().total;
    const created = await watchTrain(user.api, { date: beyond, trainNo: '305' });
    expect(created.status).toBe(201);
    const w = created.body.data?.watch as WatchView;
    expect(w.opensAt).toBe(new Date(salesOpenAt('srt', beyond)).toISOString());
    expect(w.startAt).toBe(w.opensAt);
    // 07:00 KST = 22:00 UTC the day before.
    expect(w.opensAt).toMatch(/T22:00:00\.000Z$/);
    expect(w.pollEveryMs).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    const again = await watchWhen(user.api, w.id, () => true);
    expect(again.attempts).toBe(0);
    expect(again.lastPollAt).toBeNull();
    // Nothing was asked of the operator for it (the stations come from the cached list).
    expect(env.s.counts().total - before).toBe(0);
    // A start before the opening is refused, naming the field; so is a date a month past the window.
    const early = await watchTrain(user.api, {
      date: beyond,
      trainNo: '305',
      startAt: new Date(salesOpenAt('srt', beyond) - 60_000).toISOString(),
    });
    expect(early.status).toBe(400);
    expect(early.body.description).toMatch(/body\.startAt/);
    const far = await watchTrain(user.api, { date: addDays(today, 70), trainNo: '305' });
    expect(far.status).toBe(400);
    expect(far.body.description).toMatch(/body\.date/);
  });

  it('a watch with a start time is polled from that instant on, not before', async () => {
    const t = soldOut();
    const startAt = new Date(Date.now() + 4000);
    const created = await watchTrain(user.api, { date, trainNo: t.trainNo, startAt: startAt.toISOString() });
    expect(created.status).toBe(201);
    const w = created.body.data?.watch as WatchView;
    expect(w.startAt).toBe(startAt.toISOString());
    expect(w.opensAt).toBeNull();
    await new Promise((r) => setTimeout(r, 2500));
    expect((await watchWhen(user.api, w.id, () => true)).attempts).toBe(0);
    const polled = await watchWhen(user.api, w.id, (x) => x.attempts >= 1, 15_000);
    expect(new Date(polled.lastPollAt as string).getTime()).toBeGreaterThanOrEqual(startAt.getTime());
    expect(polled.startAt).toBeNull();
  });

  it('seat direction: Korail takes it, SRT says it has none', async () => {
    const srt = await watchTrain(user.api, { date, trainNo: trains[0].trainNo, seatDirection: 'backward' });
    expect(srt.status).toBe(400);
    expect(srt.body.description).toMatch(/body\.seatDirection/);
    const kdate = dayAhead(env.s, 8);
    const k = await user.api.post<{ trains: TrainView[] }>('/api/rail/search', {
      provider: 'korail',
      from: '서울',
      to: '부산',
      date: kdate,
      time: '09:00',
    });
    const kt = (k.body.data?.trains ?? []).find((x) => x.general === 'available') as TrainView;
    const res = await user.api.post<{ reservation: RailReservationView }>('/api/rail/reserve', {
      provider: 'korail',
      from: '서울',
      to: '부산',
      date: kdate,
      trainNo: kt.trainNo,
      passengers: { adult: 2 },
      seatPosition: 'window',
      seatDirection: 'forward',
    });
    expect(res.status).toBe(201);
    const r = res.body.data?.reservation as RailReservationView;
    expect(r.seats.length).toBe(2);
    expect(typeof r.together).toBe('boolean');
  });

  it('a general-first fallback to first class is said in the notice, with the class', async () => {
    const t = soldOut();
    const created = await watchTrain(user.api, { date, trainNo: t.trainNo, seatPolicy: 'general-first' });
    const id = created.body.data?.watch.id as string;
    await watchWhen(user.api, id, (x) => x.attempts >= 1);
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'special', 1);
    const done = await watchWhen(user.api, id, (x) => x.status === 'reserved');
    expect(done.reservation?.seatClass).toBe('special');
    const n = await eventually(async () =>
      (await notices()).find((x) => x.body.includes(done.reservation?.pnr as string)),
    );
    expect(n.body).toMatch(/등급: 특실/);
    expect(n.body).toMatch(/일반실이 없어 특실로 예약했습니다/);
  });

  it('a reminder before the payment deadline, once; a notice when the hold expires unpaid; none once paid', async () => {
    const pick = trains.filter((x) => x.general === 'available');
    const reserve = async (t: TrainView) => {
      const res = await user.api.post<{ reservation: RailReservationView }>('/api/rail/reserve', {
        provider: 'srt',
        from: '수서',
        to: '부산',
        date,
        trainNo: t.trainNo,
        passengers: { adult: 1 },
      });
      expect(res.status).toBe(201);
      return res.body.data?.reservation as RailReservationView;
    };
    const unpaid = await reserve(pick[0]);
    const paid = await reserve(pick[1]);
    env.s.pay(paid.pnr);
    const rail = env.t.y.rail;
    const deadline = new Date(unpaid.paymentDeadline as string).getTime();
    // Too early: nothing.
    // (Holds of the tests above come due at about the same time: each check looks for its own.)
    expect((await rail.followPayments(deadline - 10 * 60_000)).reminded).not.toContain(unpaid.id);
    // Four minutes before: reminded once; the paid one is marked paid, with no notice.
    const first = await rail.followPayments(deadline - 4 * 60_000);
    expect(first.reminded).toContain(unpaid.id);
    expect(first.reminded).not.toContain(paid.id);
    expect(first.paid).toContain(paid.id);
    expect((await rail.followPayments(deadline - 3 * 60_000)).reminded).not.toContain(unpaid.id);
    const reminder = await eventually(async () =>
      (await notices()).find((x) => x.body.includes(unpaid.pnr) && /결제 기한 5분 전/.test(x.title)),
    );
    expect(reminder.title).toMatch(/결제 기한 5분 전/);
    expect(reminder.link).toBe('/rail/reservations');
    // Past the deadline: expired, told once.
    const after = await rail.followPayments(deadline + 1000);
    expect(after.expired).toContain(unpaid.id);
    expect(after.expired).not.toContain(paid.id);
    expect((await rail.followPayments(deadline + 60_000)).expired).not.toContain(unpaid.id);
    const expired = await eventually(async () =>
      (await notices()).find((x) => x.body.includes(unpaid.pnr) && /만료/.test(x.title)),
    );
    expect(expired.title).toMatch(/결제 기한 만료/);
    const rows = await env.t.y.ctx.database.db
      .select({ id: railReservations.id, status: railReservations.status })
      .from(railReservations)
      .where(inArray(railReservations.id, [unpaid.id, paid.id]));
    expect(rows.find((x) => x.id === unpaid.id)?.status).toBe('expired');
    expect(rows.find((x) => x.id === paid.id)?.status).toBe('paid');
    expect((await notices()).some((x) => x.body.includes(paid.pnr) && /결제 기한/.test(x.title))).toBe(false);
  });
});
