/**
 * What a user waits for at the polite defaults while the egress is busy with polls: a direct
 * reserve (POST /api/rail/reservations: stations, the train, the hold) and a watch edit (the
 * watch's train checked again), on each operator, with `--direct-load` (10) other searches per
 * operator being polled. Sequential samples (`--direct-samples`, 5) on distinct trains with seats;
 * the stand-in blocks above 100 requests a minute. Beside it, the floor of the same call: the
 * operator requests it sends, spaced by the 1 s per account the defaults ask for.
 */

import { stationByName } from '../sims/rail/data.ts';
import { startRailSim } from '../sims/rail/server.ts';
import { addDays } from '../sims/rail/world.ts';
import { loadConfig } from '../src/config.ts';
import type { ProviderName } from '../src/modules/rail/providers/index.ts';
import { railWatches } from '../src/modules/rail/schema.ts';
import { type Backend, login, startApp } from '../test/helpers.ts';
import { fmt, numFlag, percentile, table } from './lib.ts';

const PROVIDERS: ProviderName[] = ['srt', 'korail'];
const ROUTES: Record<ProviderName, { from: string; to: string[] }> = {
  srt: { from: '수서', to: ['부산', '대전'] },
  korail: { from: '서울', to: ['부산', '대전'] },
};
const code = (p: ProviderName, name: string) => stationByName(p, name)?.code as string;
const hhmmss = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}${String(min % 60).padStart(2, '0')}00`;

/** Setup steps are retried: on this shared machine a first request can stall past its timeout. */
async function retried<T>(fn: () => Promise<T>, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 3) throw err;
      console.log(`${what}: ${(err as Error).message}; again`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export async function directFigures(backend: Backend): Promise<boolean> {
  const load = numFlag('direct-load', 10);
  const samples = numFlag('direct-samples', 5);
  const warmupMs = numFlag('direct-warmup', 20) * 1000;
  const sim = await startRailSim({ korailMacroCheck: false, blockThreshold: 100 });
  const rail = {
    ...loadConfig({}).rail,
    sandbox: false,
    srtUrl: sim.url,
    korailUrl: sim.url,
    netfunnelUrl: sim.netfunnelUrl,
  };
  const t = await startApp(backend, { rail }, { pollingIntervalSeconds: 0.5 });
  const service = t.y.rail;
  const rows: (string | number)[][] = [];
  let ok = true;
  let failures = 0;
  try {
    const u = await login(t);
    const user = await t.y.auth.userForToken(u.token);
    if (!user) throw new Error('no user');
    const accounts: Record<string, string> = {};
    for (const p of PROVIDERS)
      accounts[p] = (
        await retried(() => service.saveAccount(user, p, '1234567890', 'sim-password'), 'login')
      ).id;
    // Another member's watches keep the egress busy (sold-out trains, never freed).
    const other = await t.y.auth.userForToken((await login(t)).token);
    if (!other) throw new Error('no user');
    const otherAcc: Record<string, string> = {};
    for (const p of PROVIDERS)
      otherAcc[p] = (
        await retried(() => service.saveAccount(other, p, '2345678901', 'sim-password-2'), 'login')
      ).id;
    const today = sim.today();
    for (const p of PROVIDERS) {
      const { from, to } = ROUTES[p];
      for (let i = 0; i < load; i++) {
        const dest = to[i % to.length];
        const date = addDays(today, 10 + Math.floor(i / to.length));
        const v = sim.world.search(p, code(p, from), code(p, dest), date, '150000')[0];
        sim.seedSoldOut(p, date, v.train.trainNo);
        await t.y.ctx.database.db.insert(railWatches).values({
          userId: other.id,
          accountId: otherAcc[p],
          provider: p,
          searchKey: `${p}|${code(p, from)}|${code(p, dest)}|${date}`,
          fromStation: from,
          toStation: dest,
          date,
          timeFrom: hhmmss(v.dep.dep),
          timeTo: hhmmss(v.dep.dep),
          trainNo: String(v.train.trainNo),
          passengers: { adult: 1 },
          notify: [] as string[],
          stopBeforeMinutes: 10,
        });
      }
    }
    await service.sweep();
    await new Promise((r) => setTimeout(r, warmupMs));
    for (const p of PROVIDERS) {
      const { from, to } = ROUTES[p];
      const date = addDays(today, 3);
      const trains = sim.world
        .search(p, code(p, from), code(p, to[0]), date, '060000')
        .filter((v) => v.general.free > 4);
      const coldMs: number[] = [];
      const searchMs: number[] = [];
      const reserveMs: number[] = [];
      const requests: number[] = [];
      const queueCalls: number[] = [];
      // Each sample twice: cold (nobody searched the route: the train is looked up page by page),
      // and as the web does it (the user's search, then the reserve of a train it showed).
      for (let i = 0; i < 2 * samples; i++) {
        const v = trains[i * 3];
        const afterSearch = i % 2 === 1;
        const counter = { requests: 0, netfunnel: 0 };
        try {
          if (afterSearch) {
            const s0 = performance.now();
            await service.search({
              provider: p,
              from,
              to: to[0],
              date,
              time: hhmmss(v.dep.dep),
            });
            searchMs.push(performance.now() - s0);
          }
          const t0 = performance.now();
          await service.egress.budget.count(counter, () =>
            service.reserve(user, {
              provider: p,
              from,
              to: to[0],
              date,
              trainNo: String(v.train.trainNo),
              passengers: { adult: 1 },
            }),
          );
          (afterSearch ? reserveMs : coldMs).push(performance.now() - t0);
        } catch (err) {
          console.log(`${p} reserve failed: ${(err as Error).message}`);
          failures++;
          continue;
        }
        if (afterSearch) {
          requests.push(counter.requests);
          queueCalls.push(counter.netfunnel);
        }
      }
      // One watch of this user's, then edits of it (the party changes, the train stays).
      const w0 = trains[1];
      const c0 = performance.now();
      const w = await retried(
        () =>
          service.createWatch(user, {
            provider: p,
            from,
            to: to[0],
            date,
            trainNo: String(w0.train.trainNo),
            passengers: { adult: 1 },
            notify: [],
          }),
        'create',
      );
      const createMs = performance.now() - c0;
      const editMs: number[] = [];
      for (let i = 0; i < samples; i++) {
        const e0 = performance.now();
        try {
          await service.editWatch(user, w.id, { passengers: { adult: 1 + ((i + 1) % 2) } });
        } catch (err) {
          console.log(
            `${p} edit failed after ${fmt((performance.now() - e0) / 1000, 1)} s: ${(err as Error).message}`,
          );
          failures++;
          continue;
        }
        editMs.push(performance.now() - e0);
      }
      await service.stopWatch(user, w.id);
      for (const l of [coldMs, searchMs, reserveMs, editMs, requests, queueCalls]) l.sort((a, b) => a - b);
      const sec = (l: number[], q: number) => fmt(percentile(l, q) / 1000, 2);
      rows.push([
        p,
        load,
        samples,
        sec(coldMs, 50),
        sec(coldMs, 99),
        sec(searchMs, 50),
        sec(reserveMs, 50),
        sec(reserveMs, 99),
        fmt(percentile(requests, 50), 0),
        fmt(percentile(queueCalls, 50), 0),
        fmt((rail.accountIntervalMs / 1000) * Math.max(0, percentile(requests, 50) - 1), 1),
        sec(editMs, 50),
        sec(editMs, 99),
        fmt(createMs / 1000, 2),
      ]);
      if (percentile(reserveMs, 50) > 5000 || percentile(editMs, 50) > 5000) ok = false;
    }
    const blocked = sim.counts().blockedAnswers;
    if (blocked || failures) ok = false;
    console.log(
      table(
        [
          'operator',
          'other searches',
          'samples',
          'cold reserve p50 s',
          'p99 s',
          'user search p50 s',
          'reserve after it p50 s',
          'p99 s',
          'API requests',
          'NetFunnel calls',
          "floor s (1 s between an account's requests)",
          'edit p50 s',
          'p99 s',
          'create s',
        ],
        rows,
      ),
    );
    console.log(`blocked answers: ${blocked}, failed calls: ${failures}`);
  } finally {
    await t.stop();
    await sim.close();
  }
  return ok;
}
