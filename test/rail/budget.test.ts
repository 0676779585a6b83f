/**
 * The egress budget spent on what watches can use: a poll asks only for the pages that can hold a
 * watched train, every request is counted, every live search of an operator gets its turn in a
 * round the budget allows, and the watch says how often that is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL_SHARE } from '../../src/modules/rail/budget.ts';
import type { PollOutcome } from '../../src/modules/rail/poll.ts';
import type { ProviderName } from '../../src/modules/rail/providers/types.ts';
import { backends } from '../helpers.ts';
import { getWatch, type RailTestEnv, railApp, railUser, searchTrains, watchWhen } from './app.ts';
import { dayAhead, MEMBER, ROUTES } from './setup.ts';

const SEARCH: Record<ProviderName, string> = {
  srt: '/ara/selectListAra10007_n.do',
  korail: '/classes/com.korail.mobile.seatMovie.ScheduleView',
};

describe.each(backends)('the poll budget on %s', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof railUser>>;

  beforeAll(async () => {
    // The job's own polls come 10 minutes apart: the test drives the polls itself.
    env = await railApp(backend, { pollMs: 600_000, jitterMs: 0 });
    user = await railUser(env);
    expect((await user.api.put('/api/rail/accounts/korail', MEMBER)).status).toBe(200);
  });
  afterAll(() => env.stop());

  it.each(['srt', 'korail'] as const)(
    '%s: a one-train watch polls with one search page; a window stops paging past its end',
    async (provider) => {
      const route = ROUTES[provider];
      const date = dayAhead(env.s, 8);
      const trains = await searchTrains(user.api, {
        provider,
        from: route.from,
        to: route.to,
        date,
        time: '05:00',
      });
      const whole = trains.length;
      expect(whole).toBeGreaterThan(20);
      const train = trains[Math.floor(whole / 2)];
      // Sold out, so the watches keep polling instead of holding a seat.
      for (const t of trains) env.s.seedSoldOut(provider, date, Number(t.trainNo));
      const one = await user.api.post<{ watch: { id: string; pollEveryMs: number | null } }>(
        '/api/rail/watches',
        { provider, from: route.from, to: route.to, date, trainNo: train.trainNo, passengers: { adult: 1 } },
      );
      expect(one.status, JSON.stringify(one.body)).toBe(201);
      const id = one.body.data?.watch.id as string;
      await watchWhen(user.api, id, (w) => w.attempts >= 1);
      const rail = env.t.y.rail;
      const key = (await rail.watchRow(id)).searchKey;
      const pagesSent = async (fn: () => Promise<PollOutcome>) => {
        const before = env.s.counts().byPath[SEARCH[provider]] ?? 0;
        const nf = env.s.counts().byPath['/ts.wseq'] ?? 0;
        const out = await fn();
        const pages = (env.s.counts().byPath[SEARCH[provider]] ?? 0) - before;
        // Every API request the operator saw is in the poll's count; the NetFunnel calls (their
        // own host and line, not API slots) are counted apart: a take and a release per Korail page.
        expect(out.requests).toBe(pages);
        expect(out.netfunnel).toBe((env.s.counts().byPath['/ts.wseq'] ?? 0) - nf);
        if (provider === 'korail') expect(out.netfunnel).toBe(2 * pages);
        return pages;
      };
      expect(await pagesSent(() => rail.poll(key, 0, false))).toBe(1);
      expect((await getWatch(user.api, id)).lastResult).toMatch(/sold out/);

      await user.api.post(`/api/rail/watches/${id}/stop`, {});

      // A three-hour window on that search: the pages to 09:00, not to the end of the day.
      const window = await user.api.post<{ watch: { id: string } }>('/api/rail/watches', {
        provider,
        from: route.from,
        to: route.to,
        date,
        timeFrom: '06:00',
        timeTo: '09:00',
        passengers: { adult: 1 },
      });
      expect(window.status).toBe(201);
      const inWindow = trains.filter((t) => t.departure >= '060000' && t.departure <= '090000').length;
      const rest = trains.filter((t) => t.departure >= '060000').length;
      const pages = await pagesSent(() => rail.poll(key, 0, false));
      console.log(
        `${provider}: one train: 1 page; 06:00–09:00 (${inWindow} trains): ${pages} pages; 06:00 to the end of the day: ${rest} trains`,
      );
      // Ten rows a page, and the page that reaches past 09:00.
      expect(pages).toBeLessThanOrEqual(Math.ceil(inWindow / 10) + 1);
      expect(pages).toBeLessThan(Math.ceil(rest / 10));
    },
  );
});

describe.each(backends)('fair rounds over the live searches on %s', (backend) => {
  let env: RailTestEnv;
  beforeAll(async () => {
    env = await railApp(backend, { pollMs: 250, jitterMs: 0, egressPerMinute: 120 }, { blockThreshold: 100 });
  });
  afterAll(() => env.stop());

  it('every search gets its turn, a costly one included, inside the budget; the watch says how often', async () => {
    const user = await railUser(env);
    const rail = env.t.y.rail;
    const polls = new Map<string, number>();
    const poll = rail.poll.bind(rail);
    rail.poll = async (...args) => {
      const out = await poll(...args);
      const key = args[0];
      if (out.searched) polls.set(key, (polls.get(key) ?? 0) + 1);
      return out;
    };
    const date = dayAhead(env.s, 9);
    const ids: string[] = [];
    // Six searches of one page (the last trains of the day), one of the whole day (many pages).
    for (const to of ['부산', '대전', '광주송정', '동대구', '울산(통도사)', '천안아산']) {
      const r = await user.api.post<{ watch: { id: string } }>('/api/rail/watches', {
        provider: 'srt',
        from: '수서',
        to,
        date,
        timeFrom: '23:00',
        timeTo: '23:59',
        passengers: { adult: 1 },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.data?.watch.id as string);
    }
    // Every train of the whole-day search sold out, so it keeps polling instead of holding a seat.
    const dayDate = dayAhead(env.s, 10);
    for (const t of await searchTrains(user.api, { date: dayDate, time: '00:00' }))
      env.s.seedSoldOut('srt', dayDate, Number(t.trainNo));
    const day = await user.api.post<{ watch: { id: string } }>('/api/rail/watches', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date: dayDate,
      timeFrom: '06:00',
      timeTo: '23:59',
      passengers: { adult: 1 },
    });
    expect(day.status).toBe(201);
    ids.push(day.body.data?.watch.id as string);
    // The budget is the operator API's (NetFunnel's calls have their own line).
    const requests = () => env.s.counts().total;
    const before = requests();
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 16_000));
    const sent = requests() - before;
    const elapsed = Date.now() - started;
    const keys = await Promise.all(ids.map(async (id) => (await rail.watchRow(id)).searchKey));
    const counts = keys.map((k) => polls.get(k) ?? 0);
    const every = await getWatch(user.api, ids[0]);
    console.log(
      `7 SRT searches at 120/min: polls each ${counts.join(', ')}; ${sent} requests in ${elapsed} ms; shown: every ${every.pollEveryMs} ms`,
    );
    // Never above the budget (one slot of slack for the window's edges).
    expect(sent).toBeLessThanOrEqual(Math.ceil((elapsed / 60_000) * 120) + 1);
    // Nobody starves: each search, the costly one too, came round at least twice.
    for (const n of counts) expect(n).toBeGreaterThanOrEqual(2);
    // The shown interval is the round the budget allows over these seven searches.
    expect(every.pollEveryMs).toBe(Math.round(await rail.egress.budget.intervalMs('srt')));
    expect(every.pollEveryMs as number).toBeGreaterThanOrEqual(Math.floor((7 * 60_000) / (120 * POLL_SHARE)));
    const stopped = await user.api.post<{ watch: { pollEveryMs: number | null } }>(
      `/api/rail/watches/${ids[0]}/stop`,
      {},
    );
    expect(stopped.body.data?.watch.pollEveryMs).toBeNull();
  });
});
