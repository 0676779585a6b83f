/** The train-type filter (KTX, ITX, …): in search, and in watches over a time window. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainView, WatchView } from '../../src/modules/rail/index.ts';
import { eventually } from '../helpers.ts';
import { railApp, railUser } from './app.ts';
import { dayAhead } from './setup.ts';

describe('train types', () => {
  let env: Awaited<ReturnType<typeof railApp>>;
  let u: Awaited<ReturnType<typeof railUser>>;
  beforeAll(async () => {
    env = await railApp('pglite');
    u = await railUser(env);
    await u.api.put('/api/rail/accounts/korail', { id: 'sim@yeyak.local', password: 'sim-password' });
  });
  afterAll(() => env.stop());

  const search = (body: Record<string, unknown>) =>
    u.api.post<{ trains: TrainView[] }>('/api/rail/search', { time: '06:00', ...body });

  it('searches only the asked families, and refuses a filter the operator cannot answer', async () => {
    const date = dayAhead(env.s, 6);
    const all =
      (await search({ provider: 'korail', from: '서울', to: '부산', date })).body.data?.trains ?? [];
    expect(new Set(all.map((t) => t.group)).size).toBeGreaterThan(1);
    const ktx = await search({ provider: 'korail', from: '서울', to: '부산', date, trainTypes: ['KTX'] });
    expect(ktx.status).toBe(200);
    expect(ktx.body.data?.trains.length).toBeGreaterThan(0);
    expect(ktx.body.data?.trains.every((t) => t.group === 'KTX')).toBe(true);

    const wrong = await search({ provider: 'srt', from: '수서', to: '부산', date, trainTypes: ['KTX'] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.description).toMatch(/body\.trainTypes/);
    const unknown = await search({ provider: 'korail', from: '서울', to: '부산', date, trainTypes: ['TGV'] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.data)).toContain('trainTypes');
  });

  it('a window watch takes only trains of its families', async () => {
    const date = dayAhead(env.s, 7);
    const all = (await search({ provider: 'korail', from: '서울', to: '부산', date, time: '08:00' })).body
      .data?.trains as TrainView[];
    // A KTX train and, close after it, a train of another family: the window holds both.
    const k = all.find(
      (t) => t.group === 'KTX' && all.some((o) => o.group !== 'KTX' && o.departure > t.departure),
    );
    const o = all.find((x) => x.group !== 'KTX' && k && x.departure > k.departure) as TrainView;
    expect(k && o).toBeTruthy();
    const kt = k as TrainView;
    const inWindow = all.filter((t) => t.departure >= kt.departure && t.departure <= o.departure);
    for (const t of inWindow)
      if (t.trainNo !== o.trainNo) env.s.seedSoldOut('korail', date, Number(t.trainNo));
    const r = await u.api.post<{ watch: WatchView }>('/api/rail/watches', {
      provider: 'korail',
      from: '서울',
      to: '부산',
      date,
      timeFrom: `${kt.departure.slice(0, 2)}:${kt.departure.slice(2, 4)}`,
      timeTo: `${o.departure.slice(0, 2)}:${o.departure.slice(2, 4)}`,
      trainTypes: ['KTX'],
      passengers: { adult: 1 },
      notify: [],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.data?.watch.id as string;
    expect(r.body.data?.watch.trainTypes).toEqual(['KTX']);
    const get = async () =>
      (await u.api.get<{ watch: WatchView }>(`/api/rail/watches/${id}`)).body.data?.watch as WatchView;
    // Seats on the other family's train are there all along; the watch keeps waiting.
    await eventually(async () => (await get()).attempts >= 3);
    expect((await get()).status).toBe('trying');
    env.s.releaseSeats('korail', date, Number(kt.trainNo), 'general', 1);
    const w = await eventually(async () => {
      const x = await get();
      return x.status === 'reserved' ? x : undefined;
    });
    expect(w.reservation?.trainNo).toBe(kt.trainNo);
  });
});
