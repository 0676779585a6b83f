/**
 * Standby (예약대기) after the request: yeyak follows it at the operator, tells the user when it
 * becomes a seat (with the payment deadline), and sends the watch back to work when it ends empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  RailReservationView as ReservationView,
  TrainView,
  WatchView,
} from '../../src/modules/rail/index.ts';
import { mailboxMessages } from '../../src/platform/schema.ts';
import { eventually } from '../helpers.ts';
import { railApp, railUser } from './app.ts';
import { dayAhead } from './setup.ts';

describe.each(['srt', 'korail'] as const)('%s standby follow-up', (provider) => {
  let env: Awaited<ReturnType<typeof railApp>>;
  let u: Awaited<ReturnType<typeof railUser>>;
  const route = provider === 'srt' ? { from: '수서', to: '대전' } : { from: '서울', to: '대전' };
  beforeAll(async () => {
    env = await railApp('pglite');
    u = await railUser(env);
    await u.api.put('/api/rail/accounts/korail', { id: 'sim@yeyak.local', password: 'sim-password' });
  });
  afterAll(() => env.stop());

  const watchOf = async (id: string) =>
    (await u.api.get<{ watch: WatchView }>(`/api/rail/watches/${id}`)).body.data?.watch as WatchView;

  /** A sold-out train with standby open, watched with standby allowed, until the request is placed. */
  async function standbyPlaced(days: number) {
    const date = dayAhead(env.s, days);
    const trains = (
      await u.api.post<{ trains: TrainView[] }>('/api/rail/search', {
        provider,
        ...route,
        date,
        time: '10:00',
      })
    ).body.data?.trains as TrainView[];
    const t = trains.find((x) => x.type.startsWith(provider === 'srt' ? 'SRT' : 'KTX')) as TrainView;
    env.s.seedSoldOut(provider, date, Number(t.trainNo));
    const r = await u.api.post<{ watch: WatchView }>('/api/rail/watches', {
      provider,
      ...route,
      date,
      trainNo: t.trainNo,
      passengers: { adult: 1 },
      seatPolicy: 'general-first',
      standby: true,
      notify: ['email'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const w = await eventually(async () => {
      const x = await watchOf(r.body.data?.watch.id as string);
      return x.status === 'reserved' ? x : undefined;
    });
    const res = w.reservation as ReservationView;
    expect(res.standby).toBe(true);
    expect(res.paymentDeadline).toBeNull();
    return { date, t, w, res };
  }

  const mails = async () =>
    (await env.t.y.ctx.database.db.select().from(mailboxMessages)).filter((m) => m.to.includes(u.email));

  it('tells the user when the operator turns the request into a seat, with the deadline', async () => {
    const { date, t, w, res } = await standbyPlaced(8);
    // Nothing changed yet: the follow-up leaves a waiting request alone.
    expect((await env.t.y.rail.followStandby()).granted).toEqual([]);
    // A cancellation frees a seat; the operator gives it to the standby list first.
    env.s.releaseSeats(provider, date, Number(t.trainNo), 'general', 1);
    expect(env.s.world.reservations.get(res.pnr)?.status).toBe('held');
    const out = await env.t.y.rail.followStandby();
    expect(out.granted).toEqual([res.id]);
    const after = (await watchOf(w.id)).reservation as ReservationView;
    expect(after.standby).toBe(false);
    expect(after.status).toBe('held');
    expect(after.paymentDeadline).not.toBeNull();
    expect(new Date(after.paymentDeadline as string).getTime()).toBeGreaterThan(Date.now());
    expect(after.seats).toHaveLength(1);
    expect(after.seats[0].car).toBeTruthy();
    const mail = await eventually(async () =>
      (await mails()).find((m) => /예약대기 좌석 배정|standby seat granted/.test(m.subject)),
    );
    expect(mail.subject).toContain(t.trainNo);
    // The placement was told too, and as a standby request, not as a seat.
    expect((await mails()).some((m) => /예약대기 신청|standby requested/.test(m.subject))).toBe(true);
    // Once granted, a second follow-up changes nothing and sends nothing more.
    expect((await env.t.y.rail.followStandby()).granted).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await mails()).filter((m) => /예약대기 좌석 배정/.test(m.subject))).toHaveLength(1);
  });

  it('sends the watch back to trying for a seat when the request ends without one', async () => {
    const { date, t, w, res } = await standbyPlaced(9);
    // The operator drops the request (standby closed, or cancelled in the operator's app).
    const sim = env.s.world.reservations.get(res.pnr);
    expect(env.s.world.cancel(provider, sim?.memberNo as string, res.pnr)).toBe('ok');
    const out = await env.t.y.rail.followStandby();
    expect(out.ended).toEqual([res.id]);
    const resumed = await watchOf(w.id);
    expect(resumed.status).toBe('trying');
    expect(resumed.standby).toBe(false);
    expect(resumed.lastResult).toMatch(/ended without a seat/);
    const list = (await u.api.get<{ reservations: ReservationView[] }>('/api/rail/reservations')).body.data
      ?.reservations as ReservationView[];
    expect(list.find((x) => x.id === res.id)?.status).toBe('expired');
    await eventually(async () => (await mails()).some((m) => /예약대기 종료|standby ended/.test(m.subject)));
    // A seat comes back: the same watch now holds a real seat.
    env.s.releaseSeats(provider, date, Number(t.trainNo), 'general', 1);
    const done = await eventually(async () => {
      const x = await watchOf(w.id);
      return x.status === 'reserved' ? x : undefined;
    });
    expect(done.reservation?.standby).toBe(false);
    expect(done.reservation?.id).not.toBe(res.id);
    expect(done.reservation?.paymentDeadline).not.toBeNull();
  });
});
