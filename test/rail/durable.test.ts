/** Watches survive a restart (they live in the database and pg-boss), and polling stays under the egress limit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifySim, startNotifySim } from '../../sims/notify/server.ts';
import type { RailSim } from '../../sims/rail/server.ts';
import type { TrainView } from '../../src/modules/rail/service.ts';
import { client, eventually, login, startApp, type TestApp } from '../helpers.ts';
import { railApp, searchTrains, simRail, watchTrain, watchWhen } from './app.ts';
import { dayAhead, sim } from './setup.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('rail engine durability and politeness', () => {
  it('resumes a watch after a restart and still gets the seat', async () => {
    // Korail logins: the stand-in's anti-macro check (on by default) is off.
    const s: RailSim = await sim({ blockThreshold: 100_000, korailMacroCheck: false });
    const n: NotifySim = await startNotifySim();
    const dir = mkdtempSync(join(tmpdir(), 'yeyak-rail-'));
    cleanups.push(
      () => s.close(),
      () => n.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const rail = simRail(s, { pollMs: 250, jitterMs: 0, accountIntervalMs: 0, egressPerMinute: 60_000 });
    const start = () => startApp('pglite', { dataDir: dir, rail }, { pollingIntervalSeconds: 0.5 });
    let t: TestApp = await start();
    const u = await login(t);
    expect(
      (await u.api.put('/api/rail/accounts/srt', { id: '1234567890', password: 'sim-password' })).status,
    ).toBe(200);
    const date = dayAhead(s, 6);
    const train = (await searchTrains(u.api, { to: '동대구', date, time: '18:00' })).at(-1) as TrainView;
    s.seedSoldOut('srt', date, Number(train.trainNo));
    const created = await watchTrain(u.api, { to: '동대구', date, trainNo: train.trainNo });
    const id = created.body.data?.watch.id as string;
    await watchWhen(u.api, id, (w) => w.status === 'trying' && w.attempts >= 1);
    await t.stop();
    // While yeyak is down, a seat comes back.
    s.releaseSeats('srt', date, Number(train.trainNo), 'general', 1);
    t = await start();
    cleanups.push(() => t.stop());
    const w = await watchWhen(client(t.url, u.token), id, (x) => x.status === 'reserved');
    expect(w.reservation?.trainNo).toBe(train.trainNo);
  });

  it('never sends faster than the per-egress limit, whatever the number of watches', async () => {
    const env = await railApp('pglite', { egressPerMinute: 120, pollMs: 250, jitterMs: 0 });
    cleanups.push(() => env.stop());
    const u = await login(env.t);
    await u.api.put('/api/rail/accounts/srt', { id: '1234567890', password: 'sim-password' });
    const date = dayAhead(env.s, 7);
    const routes = [
      ['수서', '부산'],
      ['수서', '대전'],
      ['수서', '광주송정'],
      ['수서', '동대구'],
    ];
    for (const [from, to] of routes) {
      const r = await u.api.post('/api/rail/watches', {
        provider: 'srt',
        from,
        to,
        date,
        timeFrom: '23:00',
        timeTo: '23:59',
        passengers: { adult: 1 },
      });
      expect(r.status).toBe(201);
    }
    await new Promise((r) => setTimeout(r, 500));
    const before = env.s.counts().total;
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 3_000));
    const sent = env.s.counts().total - before;
    const allowed = Math.floor((Date.now() - started) / 500) + 1;
    console.log(
      `egress limit 120/min: ${sent} operator requests in ${Date.now() - started} ms (allowed ${allowed})`,
    );
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(allowed);
  });
});

describe('rail watches: standby, Korail, a stop while a reserve is in flight', () => {
  let env: Awaited<ReturnType<typeof railApp>>;
  let u: Awaited<ReturnType<typeof login>>;
  beforeAll(async () => {
    env = await railApp('pglite');
    u = await login(env.t);
    await u.api.put('/api/rail/accounts/srt', { id: '1234567890', password: 'sim-password' });
    await u.api.put('/api/rail/accounts/korail', { id: 'sim@yeyak.local', password: 'sim-password' });
  });
  afterAll(() => env.stop());
  const trainsOf = (provider: 'srt' | 'korail', from: string, to: string, date: string) =>
    searchTrains(u.api, { provider, from, to, date, time: '12:00' });

  it('takes a standby (예약대기) place when the watch allows it and seats stay sold out', async () => {
    const date = dayAhead(env.s, 8);
    const t = (await trainsOf('srt', '수서', '대전', date)).at(-2) as TrainView;
    env.s.seedSoldOut('srt', date, Number(t.trainNo));
    const r = await watchTrain(u.api, { to: '대전', date, trainNo: t.trainNo, standby: true, notify: [] });
    expect(r.status).toBe(201);
    const w = await watchWhen(u.api, r.body.data?.watch.id as string, (x) => x.status === 'reserved');
    expect(w.reservation?.standby).toBe(true);
    expect(env.s.world.reservations.get(w.reservation?.pnr as string)?.status).toBe('standby');
  });

  it('watches a Korail train the same way', async () => {
    const date = dayAhead(env.s, 4);
    const t = (await trainsOf('korail', '서울', '부산', date)).find((x) =>
      x.type.startsWith('KTX'),
    ) as TrainView;
    env.s.seedSoldOut('korail', date, Number(t.trainNo));
    const r = await watchTrain(u.api, {
      provider: 'korail',
      from: '서울',
      date,
      trainNo: t.trainNo,
      passengers: { adult: 2 },
      notify: [],
    });
    expect(r.status).toBe(201);
    const id = r.body.data?.watch.id as string;
    await watchWhen(u.api, id, (x) => x.attempts >= 1);
    env.s.releaseSeats('korail', date, Number(t.trainNo), 'general', 2);
    const w = await watchWhen(u.api, id, (x) => x.status === 'reserved');
    expect(w.reservation?.seatCount).toBe(2);
    expect(w.reservation?.paymentDeadline).not.toBeNull();
  });

  it('cancels a hold that lands after the user stopped the watch', async () => {
    const date = dayAhead(env.s, 9);
    const t = (await trainsOf('srt', '수서', '부산', date)).at(-3) as TrainView;
    env.s.seedSoldOut('srt', date, Number(t.trainNo));
    const r = await watchTrain(u.api, { date, trainNo: t.trainNo, notify: [] });
    const id = r.body.data?.watch.id as string;
    const row = await env.t.y.rail.watchRow(id);
    // Hold the operator's answer back until the user has pressed stop.
    const adapter = await env.t.y.rail.accountProvider(row.accountId);
    const original = adapter.reserve.bind(adapter);
    let open: () => void = () => {};
    const gate = new Promise<void>((r2) => {
      open = r2;
    });
    adapter.reserve = async (...args) => {
      const answer = await original(...args);
      await gate;
      return answer;
    };
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    await eventually(async () => (await env.t.y.rail.watchRow(id)).reservingSince !== null);
    expect((await u.api.post(`/api/rail/watches/${id}/stop`)).status).toBe(200);
    open();
    const w = await watchWhen(u.api, id, (x) => !!x.lastResult?.includes('cancelled'));
    expect(w.status).toBe('stopped');
    expect(w.reservation).toBeNull();
    const held = [...env.s.world.reservations.values()].filter(
      (x) => x.runDt === date && String(x.train.trainNo) === t.trainNo,
    );
    expect(held.map((x) => x.status)).toEqual(['cancelled']);
  });
});
