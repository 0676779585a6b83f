/**
 * A toddler (동반유아, Korail type 3 discount 321): a Korail watch for an adult and a toddler
 * reserves two seats at the stand-in, the toddler's at its fare; SRT, which sells no such ticket,
 * and a toddler travelling without an adult are refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RailReservationView, TrainView } from '../../src/modules/rail/service.ts';
import { backends, eventually } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser, watchTrain } from './app.ts';
import { dayAhead, MEMBER, ROUTES } from './setup.ts';

describe.each(backends)('toddler passengers on %s', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof railUser>>;
  let date: string;

  beforeAll(async () => {
    env = await railApp(backend);
    user = await railUser(env);
    expect((await user.api.put('/api/rail/accounts/korail', MEMBER)).status).toBe(200);
    date = dayAhead(env.s, 7);
  });
  afterAll(() => env.stop());

  it('a Korail watch for an adult and a toddler reserves both seats, the toddler at the toddler fare', async () => {
    const r = ROUTES.korail;
    const trains = (
      await user.api.post<{ trains: TrainView[] }>('/api/rail/search', {
        provider: 'korail',
        from: r.from,
        to: r.to,
        date,
        time: '09:00',
        passengers: { adult: 1, toddler: 1 },
      })
    ).body.data?.trains as TrainView[];
    const t = trains.find((x) => x.general !== 'absent') as TrainView;
    env.s.seedSoldOut('korail', date, Number(t.trainNo));
    const made = await watchTrain(user.api, {
      provider: 'korail',
      from: r.from,
      to: r.to,
      date,
      trainNo: t.trainNo,
      passengers: { adult: 1, toddler: 1 },
      seatPolicy: 'general-only',
    });
    expect(made.status).toBe(201);
    const id = made.body.data?.watch.id as string;
    expect(made.body.data?.watch.passengers).toEqual({ adult: 1, toddler: 1 });
    env.s.releaseSeats('korail', date, Number(t.trainNo), 'general', 2);
    const held = await eventually(async () => {
      const list = (await user.api.get<{ reservations: RailReservationView[] }>('/api/rail/reservations'))
        .body.data?.reservations;
      return list?.find((x) => x.watchId === id);
    }, 30_000);
    expect(held.seatCount).toBe(2);
    // The stand-in read the rows as one adult (1/000) and one toddler (3/321).
    const kept = env.s.world.reservations.get(held.pnr);
    expect(kept?.pax).toEqual({ adult: 1, toddler: 1 });
    const fares = held.seats.map((s) => s.price ?? 0).sort((a, b) => a - b);
    expect(fares[0]).toBeLessThan(fares[1]);
  });

  it('refuses a toddler on SRT, and a toddler without an adult, naming the field', async () => {
    const srt = await watchTrain(user.api, { date, trainNo: '301', passengers: { adult: 1, toddler: 1 } });
    expect(srt.status).toBe(400);
    expect(srt.body).toMatchObject({
      data: { errors: [{ path: 'body.passengers.toddler', key: 'rail.no_toddler_srt' }] },
    });
    const r = ROUTES.korail;
    const alone = await watchTrain(user.api, {
      provider: 'korail',
      from: r.from,
      to: r.to,
      date,
      trainNo: '101',
      passengers: { toddler: 1 },
    });
    expect(alone.status).toBe(400);
    expect(alone.body).toMatchObject({ data: { errors: [{ path: 'body.passengers' }] } });
  });
});
