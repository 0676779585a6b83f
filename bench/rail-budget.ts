/**
 * The egress budget at the polite defaults (90 requests a minute per operator, 1 s between one
 * account's requests, 3 s + up to 1 s poll floor), on the stand-in with its real block threshold
 * (100 a minute): for `--budget-searches` (1, 10, 50) distinct searches on each operator, one watch on
 * one sold-out train each:
 *
 * - requests per poll (search pages and their NetFunnel calls), beside what one search of the whole
 *   day costs in the same run (what a poll cost before it stopped paging past its watches);
 * - polls per search per minute, beside the ceiling the budget allows at the measured cost
 *   (90 ÷ searches ÷ requests per poll);
 * - seat released → hold committed p50/p99: `--budget-samples` seats freed at once on watched
 *   trains after the `--budget-window` (60 s) measuring window, beside the budget round (a seat
 *   waits on average half a round for its search, at most one, then the hold's own requests).
 */

import { stationByName } from '../sims/rail/data.ts';
import { startRailSim } from '../sims/rail/server.ts';
import { addDays, DEFAULT_USERS, type SimUser } from '../sims/rail/world.ts';
import { loadConfig } from '../src/config.ts';
import type { PollOutcome } from '../src/modules/rail/poll.ts';
import type { ProviderName } from '../src/modules/rail/providers/index.ts';
import { railWatches } from '../src/modules/rail/schema.ts';
import { type Backend, login, startApp } from '../test/helpers.ts';
import { fmt, numFlag, percentile, strFlag, table } from './lib.ts';

const PROVIDERS: ProviderName[] = ['srt', 'korail'];
const ROUTES: Record<ProviderName, { from: string; to: string[] }> = {
  srt: { from: '수서', to: ['부산', '대전'] },
  korail: { from: '서울', to: ['부산', '대전'] },
};
const code = (p: ProviderName, name: string) => stationByName(p, name)?.code as string;

type Row = {
  searches: number;
  provider: ProviderName;
  polls: number;
  requestsPerPoll: number;
  queuePerPoll: number;
  wholeDay: number;
  perSearchPerMinute: number;
  ceilingPerMinute: number;
  roundS: number;
  shownS: number;
  holdP50: number;
  holdP99: number;
  held: number;
  samples: number;
  /** API requests other than search pages while the freed seats were held, per hold. */
  holdRequests: number;
  /** The most API requests to this operator in any 60 s of the run (one-second samples). */
  maxIn60s: number;
};

/** API requests per operator as the stand-in counted them (NetFunnel's queue apart). */
function apiCounts(byPath: Record<string, number>): Record<ProviderName, { all: number; search: number }> {
  const c = { srt: { all: 0, search: 0 }, korail: { all: 0, search: 0 } };
  for (const [path, n] of Object.entries(byPath)) {
    if (path === '/ts.wseq') continue;
    const p: ProviderName = path.startsWith('/classes/') ? 'korail' : 'srt';
    c[p].all += n;
    if (path === SEARCH_PATH[p]) c[p].search += n;
  }
  return c;
}
const SEARCH_PATH: Record<ProviderName, string> = {
  srt: '/ara/selectListAra10007_n.do',
  korail: '/classes/com.korail.mobile.seatMovie.ScheduleView',
};

/** The highest count between two one-second samples at most 60 s apart (cumulative counts). */
function maxInMinute(samples: { at: number; n: number }[]): number {
  let max = 0;
  let i = 0;
  for (let j = 0; j < samples.length; j++) {
    while (samples[j].at - samples[i].at > 60_000) i++;
    max = Math.max(max, samples[j].n - samples[i].n);
  }
  return max;
}

/** On this shared machine a first login can stall past its timeout: setup steps are retried. */
async function retried<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 3) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function one(backend: Backend, searches: number, windowMs: number, samples: number) {
  // Each freed seat's watch belongs to its own member (one account's requests are 1 s apart).
  const members: SimUser[] = Array.from({ length: samples }, (_, i) => ({
    memberNo: String(4_000_000_000 + i),
    email: `bench${i}@yeyak.local`,
    phone: `010-4000-${String(1000 + i)}`,
    password: 'sim-password',
    name: `벤치${i}`,
  }));
  const sim = await startRailSim({
    korailMacroCheck: false,
    blockThreshold: 100,
    users: [...DEFAULT_USERS, ...members],
  });
  const rail = {
    ...loadConfig({}).rail,
    sandbox: false,
    srtUrl: sim.url,
    korailUrl: sim.url,
    netfunnelUrl: sim.netfunnelUrl,
  };
  const t = await startApp(backend, { rail }, { pollingIntervalSeconds: 0.5 });
  const outcomes: { key: string; at: number; out: PollOutcome }[] = [];
  const service = t.y.rail;
  const poll = service.poll.bind(service);
  service.poll = async (...args) => {
    const out = await poll(...args);
    outcomes.push({ key: args[0], at: performance.now(), out });
    return out;
  };
  // Every second, the API requests each operator saw so far: the most in any 60 s is the check.
  const perSecond: Record<ProviderName, { at: number; n: number }[]> = { srt: [], korail: [] };
  const sample = () => {
    const c = apiCounts(sim.counts().byPath);
    for (const p of PROVIDERS) perSecond[p].push({ at: performance.now(), n: c[p].all });
  };
  sample();
  const sampler = setInterval(sample, 1000);
  try {
    const u = await login(t);
    const user = await t.y.auth.userForToken(u.token);
    if (!user) throw new Error('no user');
    const accounts: Record<string, string> = {};
    for (const p of PROVIDERS)
      accounts[p] = (await retried(() => service.saveAccount(user, p, '1234567890', 'sim-password'))).id;
    // The members whose watches get a seat back: their own users and accounts, logged in.
    const own: { userId: string; accounts: Record<string, string> }[] = [];
    for (const m of members) {
      const mu = await t.y.auth.userForToken((await login(t)).token);
      if (!mu) throw new Error('no user');
      const acc: Record<string, string> = {};
      for (const p of PROVIDERS)
        acc[p] = (await retried(() => service.saveAccount(mu, p, m.memberNo, m.password))).id;
      own.push({ userId: mu.id, accounts: acc });
    }
    // What one poll cost before: every page of the day from 00:00.
    const wholeDay: Record<string, number> = {};
    const today = sim.today();
    for (const p of PROVIDERS) {
      const counter = { requests: 0 };
      // Retried like the logins: on a loaded machine one page to the in-process stand-in can fail.
      await retried(() => {
        counter.requests = 0;
        return service.egress.budget.count(counter, () =>
          service.egress
            .searcher(p)
            .search({ from: ROUTES[p].from, to: ROUTES[p].to[0], date: addDays(today, 2) }),
        );
      });
      wholeDay[p] = counter.requests;
    }
    // N distinct searches per operator (route × date), one watch each on a sold-out afternoon train.
    const watched: { provider: ProviderName; id: string; date: string; trainNo: number }[] = [];
    // One train on one date is watched once (two routes share a train's seats).
    const used = new Set<string>();
    for (const p of PROVIDERS) {
      const { from, to } = ROUTES[p];
      for (let i = 0; i < searches; i++) {
        const dest = to[i % to.length];
        const date = addDays(today, 2 + Math.floor(i / to.length));
        const views = sim.world.search(p, code(p, from), code(p, dest), date, '150000');
        const v = views.find((x) => x.general.exists && !used.has(`${p}|${date}|${x.train.trainNo}`));
        if (!v) throw new Error(`no train left to watch for ${p} ${from}→${dest} ${date}`);
        used.add(`${p}|${date}|${v.train.trainNo}`);
        sim.seedSoldOut(p, date, v.train.trainNo);
        const dep = `${String(Math.floor(v.dep.dep / 60)).padStart(2, '0')}${String(v.dep.dep % 60).padStart(2, '0')}00`;
        const [row] = await t.y.ctx.database.db
          .insert(railWatches)
          .values({
            userId: i < own.length ? own[i].userId : user.id,
            accountId: i < own.length ? own[i].accounts[p] : accounts[p],
            provider: p,
            searchKey: `${p}|${code(p, from)}|${code(p, dest)}|${date}`,
            fromStation: from,
            toStation: dest,
            date,
            timeFrom: dep,
            timeTo: dep,
            trainNo: String(v.train.trainNo),
            passengers: { adult: 1 },
            notify: [] as string[],
            stopBeforeMinutes: 10,
          })
          .returning({ id: railWatches.id });
        watched.push({ provider: p, id: row.id, date, trainNo: v.train.trainNo });
      }
    }
    await service.sweep();
    const started = performance.now();
    const requestsAtStart = sim.counts().total + (sim.counts().byPath['/ts.wseq'] ?? 0);
    await new Promise((r) => setTimeout(r, windowMs));
    const inWindow = outcomes.filter((o) => o.at >= started && o.out.searched);
    const rounds: Record<string, number> = {};
    const shown: Record<string, number> = {};
    for (const p of PROVIDERS) {
      rounds[p] = await service.egress.budget.roundMs(p);
      shown[p] = await service.egress.budget.intervalMs(p);
    }
    // Seats come back on `samples` watched trains of each operator at once.
    const freed = PROVIDERS.flatMap((p) =>
      watched.filter((w) => w.provider === p).slice(0, Math.min(samples, searches)),
    );
    const beforeHolds = apiCounts(sim.counts().byPath);
    const releasedAt = performance.now();
    for (const w of freed) sim.releaseSeats(w.provider, w.date, w.trainNo, 'general', 1);
    const heldMs = new Map<string, number>();
    const deadline = Date.now() + 4 * 60_000;
    while (heldMs.size < freed.length && Date.now() < deadline) {
      for (const o of outcomes)
        for (const id of o.out.reserved)
          if (!heldMs.has(id) && freed.some((w) => w.id === id)) heldMs.set(id, o.at - releasedAt);
      await new Promise((r) => setTimeout(r, 50));
    }
    const afterHolds = apiCounts(sim.counts().byPath);
    sample();
    const elapsedMin = (performance.now() - started) / 60_000;
    const sent = sim.counts().total + (sim.counts().byPath['/ts.wseq'] ?? 0) - requestsAtStart;
    const rows: Row[] = PROVIDERS.map((p) => {
      const polls = inWindow.filter((o) => o.key.startsWith(`${p}|`));
      const requestsPerPoll = polls.reduce((n, o) => n + o.out.requests, 0) / Math.max(1, polls.length);
      const queuePerPoll = polls.reduce((n, o) => n + (o.out.netfunnel ?? 0), 0) / Math.max(1, polls.length);
      const held = freed
        .filter((w) => w.provider === p)
        .map((w) => heldMs.get(w.id))
        .filter((x): x is number => x !== undefined)
        .sort((a, b) => a - b);
      return {
        searches,
        provider: p,
        polls: polls.length,
        requestsPerPoll,
        queuePerPoll,
        wholeDay: wholeDay[p],
        perSearchPerMinute: polls.length / searches / (windowMs / 60_000),
        ceilingPerMinute: rail.egressPerMinute / searches / Math.max(1, requestsPerPoll),
        roundS: rounds[p] / 1000,
        shownS: shown[p] / 1000,
        holdP50: percentile(held, 50),
        holdP99: percentile(held, 99),
        held: held.length,
        samples: freed.filter((w) => w.provider === p).length,
        // Logins, reserves, lists and seat details (and any minute job's list) while holding.
        holdRequests:
          (afterHolds[p].all - afterHolds[p].search - (beforeHolds[p].all - beforeHolds[p].search)) /
          Math.max(1, held.length),
        maxIn60s: maxInMinute(perSecond[p]),
      };
    });
    return { rows, perMinute: sent / elapsedMin, blocked: sim.counts().blockedAnswers };
  } finally {
    clearInterval(sampler);
    await t.stop();
    await sim.close();
  }
}

export async function budgetFigures(backend: Backend): Promise<boolean> {
  const list = (strFlag('budget-searches') ?? '1,10,50').split(',').map(Number);
  const windowMs = numFlag('budget-window', 60) * 1000;
  const samples = numFlag('budget-samples', 3);
  const rows: (string | number)[][] = [];
  const egress: (string | number)[][] = [];
  let ok = true;
  for (const n of list) {
    const r = await one(backend, n, windowMs, samples);
    for (const x of r.rows)
      rows.push([
        x.searches,
        x.provider,
        fmt(x.requestsPerPoll, 2),
        fmt(x.queuePerPoll, 2),
        x.wholeDay,
        fmt(x.perSearchPerMinute, 2),
        fmt(x.ceilingPerMinute, 2),
        fmt(x.roundS, 1),
        fmt(x.shownS, 1),
        `${x.held}/${x.samples}`,
        fmt(x.holdP50 / 1000, 1),
        fmt(x.holdP99 / 1000, 1),
        fmt(x.holdRequests, 1),
        x.maxIn60s,
      ]);
    egress.push([n, fmt(r.perMinute, 1), r.blocked]);
    // Each size as it ends, so a later failure keeps what was measured.
    console.log(JSON.stringify({ searches: n, rows: r.rows, perMinute: r.perMinute, blocked: r.blocked }));
    if (r.blocked || r.rows.some((x) => x.maxIn60s > 90 + 1 || x.held < x.samples)) ok = false;
  }
  console.log(
    table(
      [
        'searches each',
        'operator',
        'API requests / poll',
        'NetFunnel calls / poll',
        'whole day (API)',
        'polls / search / min',
        'budget ceiling',
        'round s',
        'shown s',
        'held',
        'release→hold p50 s',
        'p99 s',
        'API requests / hold',
        'max API in any 60 s',
      ],
      rows,
    ),
  );
  console.log(table(['searches each', 'requests/min (both operators)', 'blocked'], egress));
  return ok;
}
