/**
 * A watch for a party of 2+ does not hammer the operator when the shared poll (one seat asked)
 * shows a train "available" with fewer seats than the party: Korail's seat counts settle it with no
 * request; SRT gets one party-size search, then waits until the train's seats change. The watch says
 * why ("1 seat left on 305, 2 asked"). Five minutes of polls are run on a moved clock.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ProviderName } from '../../src/modules/rail/providers/types.ts';
import type { TrainView, WatchView } from '../../src/modules/rail/service.ts';
import { backends, eventually } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser, watchOneSeatForTwo } from './app.ts';
import { dayAhead, MEMBER, ROUTES } from './setup.ts';

const RESERVE: Record<ProviderName, string> = {
  srt: '/arc/selectListArc05013_n.do',
  korail: '/classes/com.korail.mobile.certification.TicketReservation',
};
const SEARCH: Record<ProviderName, string> = {
  srt: '/ara/selectListAra10007_n.do',
  korail: '/classes/com.korail.mobile.seatMovie.ScheduleView',
};
const POLL_MS = 4_000;
const FIVE_MIN = 5 * 60_000;

describe.each(backends)('a party watch with one seat free, on %s', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof railUser>>;

  beforeAll(async () => {
    // The job's own polls come 10 minutes apart: the test drives the polls itself.
    env = await railApp(backend, { pollMs: 600_000, jitterMs: 0 });
    user = await railUser(env);
    expect((await user.api.put('/api/rail/accounts/korail', MEMBER)).status).toBe(200);
  });
  afterAll(() => env.stop());

  it('korail: reserving 2 now on a train with 1 seat is a 409 that says so (a message code), nothing sent', async () => {
    const route = ROUTES.korail;
    const date = dayAhead(env.s, 5);
    const found = await user.api.post<{ trains: TrainView[] }>('/api/rail/search', {
      provider: 'korail',
      from: route.from,
      to: route.to,
      date,
      time: '12:00',
    });
    const train = (found.body.data?.trains ?? []).find((t) => t.general !== 'absent') as TrainView;
    env.s.seedSoldOut('korail', date, Number(train.trainNo));
    env.s.releaseSeats('korail', date, Number(train.trainNo), 'general', 1);
    // The user's search shows it with its one seat (the reserve goes by the row a search just showed).
    await user.api.post('/api/rail/search', {
      provider: 'korail',
      from: route.from,
      to: route.to,
      date,
      time: '12:00',
    });
    const reserves = env.s.counts().byPath[RESERVE.korail] ?? 0;
    const r = await user.api.post('/api/rail/reserve', {
      provider: 'korail',
      from: route.from,
      to: route.to,
      date,
      trainNo: train.trainNo,
      passengers: { adult: 2 },
    });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      key: 'rail.too_few_seats',
      params: { trainNo: train.trainNo, left: 1, asked: 2 },
    });
    expect(env.s.counts().byPath[RESERVE.korail] ?? 0).toBe(reserves);
  });

  it.each(['korail', 'srt'] as const)(
    '%s: no refused reserve in 5 minutes, says "1 seat left, 2 asked", reserves once a 2nd seat frees',
    async (provider) => {
      const route = ROUTES[provider];
      const date = dayAhead(env.s, 6);
      const found = await user.api.post<{ trains: TrainView[] }>('/api/rail/search', {
        provider,
        from: route.from,
        to: route.to,
        date,
        time: '12:00',
      });
      const train = (found.body.data?.trains ?? []).find((t) => t.general !== 'absent') as TrainView;
      const id = await watchOneSeatForTwo(env.s, user.api, {
        provider,
        from: route.from,
        to: route.to,
        date,
        trainNo: train.trainNo,
        seatPolicy: 'general-first',
      });
      const get = async () =>
        (await user.api.get<{ watch: WatchView }>(`/api/rail/watches/${id}`)).body.data?.watch as WatchView;
      await eventually(async () => (await get()).attempts >= 1);
      const rail = env.t.y.rail;
      const key = (await rail.watchRow(id)).searchKey;

      let clock = Date.now();
      rail.now = () => clock;
      onTestFinished(() => {
        rail.now = () => Date.now();
      });
      const before = env.s.counts().byPath;
      const partyBefore = env.s.counts().searchesByParty[2] ?? 0;
      for (let at = 0; at < FIVE_MIN; at += POLL_MS) {
        clock += POLL_MS;
        await rail.poll(key, 0, false);
      }
      const after = env.s.counts().byPath;
      const sent = (p: string) => (after[p] ?? 0) - (before[p] ?? 0);
      const partySearches = (env.s.counts().searchesByParty[2] ?? 0) - partyBefore;
      const polls = FIVE_MIN / POLL_MS;
      console.log(
        `${provider}: ${polls} polls in 5 min, 1 seat free, 2 asked: ${sent(RESERVE[provider])} reserves, ${partySearches} party-size search pages, ${sent(SEARCH[provider])} search pages in all`,
      );
      expect(sent(RESERVE[provider])).toBe(0);
      // SRT gives no seat count: one party-size search, then again after 1 and 2 more minutes
      // (each search may be a few pages).
      const perSearch = provider === 'srt' ? 3 : 0;
      expect(partySearches).toBeLessThanOrEqual(3 * perSearch);

      const w = await get();
      expect(w.status).toBe('trying');
      expect(w.shortage).toEqual([
        { trainNo: train.trainNo, seatsLeft: provider === 'korail' ? 1 : null, asked: 2 },
      ]);
      expect(w.lastResult).toBe(
        provider === 'korail'
          ? `1 seat left on ${train.trainNo}, 2 asked`
          : `fewer seats than 2 asked on ${train.trainNo}`,
      );

      // A second seat frees up: Korail sees it in the next poll; SRT at its next check.
      env.s.releaseSeats(provider, date, Number(train.trainNo), 'general', 1);
      clock += provider === 'srt' ? 16 * 60_000 : POLL_MS;
      const out = await rail.poll(key, 0, false);
      expect(out.reserved).toEqual([id]);
      const done = await get();
      expect(done.status).toBe('reserved');
      expect(done.reservation?.seatCount).toBe(2);
      expect(done.shortage).toEqual([]);
    },
    120_000,
  );
});
