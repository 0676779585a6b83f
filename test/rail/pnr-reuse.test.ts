/**
 * A stand-in operator that restarted without its state gives out reservation numbers from 1 again.
 * A new hold whose number a stored (older) hold has is not "another worker won": yeyak keeps the
 * seat it just won, and the stale row is marked expired.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainView, WatchView } from '../../src/modules/rail/service.ts';
import { backends } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser, searchTrains, watchTrain, watchWhen } from './app.ts';
import { dayAhead, MEMBER, provider, sim } from './setup.ts';

describe.each(backends)('a reused reservation number on %s', (backend) => {
  let env: RailTestEnv;
  beforeAll(async () => {
    env = await railApp(backend);
  });
  afterAll(() => env.stop());

  it('keeps the new hold and retires the stale one', async () => {
    const date = dayAhead(env.s, 6);
    const first = await railUser(env);
    const second = await railUser(env);
    const trains = await searchTrains(first.api, { date, time: '06:00' });
    const watchFor = async (u: typeof first, t: TrainView) => {
      env.s.seedSoldOut('srt', date, Number(t.trainNo));
      const r = await watchTrain(u.api, { date, trainNo: t.trainNo, notify: [] });
      expect(r.status).toBe(201);
      const id = r.body.data?.watch.id as string;
      await watchWhen(u.api, id, (w) => w.attempts >= 1);
      env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
      return watchWhen(u.api, id, (w) => w.status === 'reserved');
    };
    const a = await watchFor(first, trains.at(-1) as TrainView);
    const pnr = a.reservation?.pnr as string;
    // The stand-in "restarts" without its state: numbering starts again.
    env.s.world.pnrSeq = 0;
    const t2 = trains.at(-2) as TrainView;
    const b = await watchFor(second, t2);
    expect(b.reservation?.pnr).toBe(pnr);
    expect(b.reservation?.trainNo).toBe(t2.trainNo);
    // The operator still holds the new seat: it was not cancelled as a duplicate.
    const atOperator = [...env.s.world.reservations.values()].filter(
      (r) => String(r.train.trainNo) === t2.trainNo && r.runDt === date,
    );
    expect(atOperator.map((r) => r.status)).toEqual(['held']);
    const old = (await first.api.get<{ watch: WatchView }>(`/api/rail/watches/${a.id}`)).body.data?.watch;
    expect(old?.reservation?.status).toBe('expired');
  }, 120_000);
});

describe('the stand-in operator keeps its state in the data folder', () => {
  it('continues reservation numbers, seats and holds after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yeyak-railsim-'));
    const stateFile = join(dir, 'rail-sandbox.json');
    try {
      let s = await sim({ stateFile });
      const date = dayAhead(s, 6);
      const p = provider(s, 'srt');
      await p.login(MEMBER);
      const trains = await p.search({ from: '수서', to: '부산', date, time: '060000' });
      const train = trains.find((t) => t.general === 'available') as (typeof trains)[number];
      const first = await p.reserve(train, { passengers: { adult: 1 }, seatPolicy: 'general-only' });
      const free = s.world.view(
        ...(() => {
          const f = s.world.findTrain('srt', Number(train.trainNo), '0551', '0020');
          if (!f) throw new Error('no train');
          return [f.train, date, f.dep, f.arr] as const;
        })(),
      ).general.free;
      await s.close();

      s = await sim({ stateFile });
      cleanup = () => s.close();
      const q = provider(s, 'srt');
      await q.login(MEMBER);
      const listed = await q.listReservations();
      expect(listed.map((r) => r.id)).toContain(first.id);
      const again = await q.search({ from: '수서', to: '부산', date, time: '060000' });
      const second = await q.reserve(
        again.find((t) => t.trainNo === train.trainNo) as (typeof again)[number],
        {
          passengers: { adult: 1 },
          seatPolicy: 'general-only',
        },
      );
      expect(second.id).not.toBe(first.id);
      const f = s.world.findTrain('srt', Number(train.trainNo), '0551', '0020');
      if (!f) throw new Error('no train');
      expect(s.world.view(f.train, date, f.dep, f.arr).general.free).toBe(free - 1);
    } finally {
      await cleanup?.();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
let cleanup: (() => Promise<void>) | undefined;
