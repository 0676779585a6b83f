/**
 * Rail watch engine figures, against the stand-in operator on loopback:
 *
 * 1. Shared polls: `--watches` (1,000) watches over `--searches` (50) distinct searches (route + date),
 *    default intervals (3 s + up to 1 s jitter): search requests the operator sees per interval (aim: 50).
 * 2. Poll-to-hold latency: a seat frees up on a watched sold-out train; milliseconds from the search
 *    answer that shows it to the hold committed in yeyak's database (`--holds` samples, aim < 100 ms).
 * 2b. The same with the egress full at the polite defaults (`--busy-searches` other searches).
 * 3. Soak: random cancellations on watched sold-out trains at the polite defaults (`--soak-seconds`,
 *    `--soak-trains`; on PostgreSQL `--workers` processes share the database and the egress limit).
 * 4. Memory: RSS of this process (yeyak in-process; the operator stand-in runs in a child process)
 *    idle, then with `--many` (10,000) active watches being polled.
 * 5. Budget (bench/rail-budget.ts): at the polite defaults, 1, 10 and 50 distinct searches on each
 *    operator: requests per poll, polls per search per minute, seat released → hold committed.
 *
 *   node --import tsx bench/rail.ts [--watches=1000] [--searches=50] [--rounds=4] [--holds=30] [--many=10000]
 *     [--soak-seconds=60] [--soak-trains=3] [--workers=2] [--busy-searches=20] [--busy-samples=5]
 *     [--only=shared,hold,busy,soak,memory,budget,direct] [--direct-load=10] [--direct-samples=5]
 *     [--budget-searches=1,10,50] [--budget-window=60]
 *     [--budget-samples=3]
 *   DATABASE_URL=… node --import tsx bench/rail.ts --backends=postgres
 *
 * The per-egress limit is raised for (1) and (3): at the polite default of 90 requests a minute, 50
 * searches cannot all fit in 3 s from one address; (1) shows what sharing saves, not a rate to use.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RailSim, startRailSim } from '../sims/rail/server.ts';
import { loadConfig } from '../src/config.ts';
import type { RailConfig } from '../src/modules/rail/config.ts';
import { railAccounts, railWatches } from '../src/modules/rail/schema.ts';
import type { Rail } from '../src/modules/rail/service.ts';
import type { User } from '../src/platform/auth/service.ts';
import { type Backend, freshPostgres, login, startApp, type TestApp } from '../test/helpers.ts';
import { fmt, numFlag, percentile, selectedBackends, strFlag, table } from './lib.ts';
import { budgetFigures } from './rail-budget.ts';
import { directFigures } from './rail-direct.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEARCH_PATH = '/ara/selectListAra10007_n.do';
const DESTINATIONS = [
  '부산',
  '동대구',
  '대전',
  '광주송정',
  '목포',
  '오송',
  '천안아산',
  '울산',
  '경주',
  '김천구미',
];
const SRT_CODES: Record<string, string> = {
  수서: '0551',
  부산: '0020',
  동대구: '0015',
  대전: '0010',
  광주송정: '0036',
  목포: '0041',
  오송: '0297',
  천안아산: '0502',
  울산: '0509',
  경주: '0508',
  김천구미: '0507',
};
const STATION_NAMES: Record<string, string> = { 울산: '울산(통도사)', 김천구미: '김천(구미)' };

const kstDay = (days: number) =>
  new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');

/** The stand-in in a child process, so its memory and CPU are not counted as yeyak's. */
async function childSim(): Promise<{ url: string; stop: () => void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(root, 'sims/rail/main.ts'), '--port', '0', '--block-threshold', '100000000'],
    { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) ok(line.trim());
    });
    child.once('exit', (code) => fail(new Error(`sim exited ${code}`)));
  });
  return {
    url,
    stop: () => child.kill('SIGTERM'),
  };
}

function railConfig(extra: Partial<RailConfig>): RailConfig {
  return { ...loadConfig({}).rail, sandbox: false, accountIntervalMs: 0, ...extra };
}

/** Inserts watches straight into the table (validation is not what is measured) and queues their polls. */
async function addWatches(t: TestApp, n: number, searches: number) {
  const u = await login(t);
  const user = await t.y.auth.userForToken(u.token);
  if (!user) throw new Error('no user');
  const [account] = await t.y.ctx.database.db
    .insert(railAccounts)
    .values({
      userId: user.id,
      provider: 'srt',
      loginHint: 'bench',
      secret: t.y.rail.sealer.seal(
        JSON.stringify({ id: '1234567890', password: 'sim-password' }),
        `account:${user.id}:srt`,
      ),
    })
    .returning();
  const rows = [];
  for (let i = 0; i < n; i++) {
    const s = i % searches;
    const to = DESTINATIONS[s % DESTINATIONS.length];
    const date = kstDay(3 + Math.floor(s / DESTINATIONS.length));
    rows.push({
      userId: user.id,
      accountId: account.id,
      provider: 'srt' as const,
      searchKey: `srt|0551|${SRT_CODES[to]}|${date}`,
      fromStation: '수서',
      toStation: STATION_NAMES[to] ?? to,
      date,
      // A train number that does not run: the watch polls for ever and never holds.
      timeFrom: '200000',
      timeTo: '200000',
      trainNo: '99999',
      passengers: { adult: 1 },
      notify: [] as string[],
      stopBeforeMinutes: 10,
    });
  }
  for (let i = 0; i < rows.length; i += 500)
    await t.y.ctx.database.db.insert(railWatches).values(rows.slice(i, i + 500));
  return t.y.rail.sweep();
}

async function sharedPolls(backend: Backend, watches: number, searches: number, rounds: number) {
  const sim = await startRailSim({ korailMacroCheck: false, blockThreshold: 100_000_000 });
  const rail = railConfig({ srtUrl: sim.url, netfunnelUrl: sim.netfunnelUrl, egressPerMinute: 60_000 });
  const t = await startApp(backend, { rail }, { pollingIntervalSeconds: 0.5 });
  try {
    const keys = await addWatches(t, watches, searches);
    // Let the first round go through, then count whole rounds.
    await new Promise((r) => setTimeout(r, rail.pollMs + rail.jitterMs + 1500));
    const before = sim.counts().byPath[SEARCH_PATH] ?? 0;
    const started = Date.now();
    const window = rounds * (rail.pollMs + rail.jitterMs / 2);
    await new Promise((r) => setTimeout(r, window));
    const elapsed = Date.now() - started;
    const n = (sim.counts().byPath[SEARCH_PATH] ?? 0) - before;
    const interval = rail.pollMs + rail.jitterMs / 2;
    return { keys, searches: n, elapsed, perInterval: (n / elapsed) * interval, interval };
  } finally {
    await t.stop();
    await sim.close();
  }
}

/** Sells out an SRT 수서→부산 train at the stand-in and starts a watch on it for one adult. */
function watchSoldOut(rail: Rail, sim: RailSim, user: User, date: string, trainNo: string) {
  sim.seedSoldOut('srt', date, Number(trainNo));
  return rail.createWatch(user, {
    provider: 'srt',
    from: '수서',
    to: '부산',
    date,
    trainNo,
    passengers: { adult: 1 },
    notify: [],
  });
}

async function pollToHold(backend: Backend, samples: number) {
  const sim = await startRailSim({ korailMacroCheck: false, blockThreshold: 100_000_000 });
  const rail = railConfig({ srtUrl: sim.url, netfunnelUrl: sim.netfunnelUrl, egressPerMinute: 60_000 });
  // No workers: the bench drives each poll itself, right after a seat frees up.
  const t = await startApp(backend, { rail }, { workers: false });
  const latencies: number[] = [];
  const totals: number[] = [];
  try {
    const u = await login(t);
    const user = await t.y.auth.userForToken(u.token);
    if (!user) throw new Error('no user');
    await t.y.rail.saveAccount(user, 'srt', '1234567890', 'sim-password');
    const date = kstDay(4);
    const trains = (
      await t.y.rail.search({ provider: 'srt', from: '수서', to: '부산', date, time: '060000' })
    ).trains;
    for (let i = 0; i < samples; i++) {
      const train = trains[i % trains.length];
      const w = await watchSoldOut(t.y.rail, sim, user, date, train.trainNo);
      const row = await t.y.rail.watchRow(w.id);
      await t.y.rail.poll(row.searchKey, 0, false); // warm: sold out, nothing to hold
      sim.releaseSeats('srt', date, Number(train.trainNo), 'general', 1);
      const started = performance.now();
      const out = await t.y.rail.poll(row.searchKey, 0, false);
      totals.push(performance.now() - started);
      if (out.holdMs.length !== 1) throw new Error(`poll ${i} held ${out.holdMs.length} seats`);
      latencies.push(out.holdMs[0]);
      await t.y.rail.stopWatch(user, w.id);
    }
  } finally {
    await t.stop();
    await sim.close();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const sortedTotals = [...totals].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    pollP50: percentile(sortedTotals, 50),
  };
}

/**
 * Poll-to-hold at the polite defaults while `load` other searches keep the egress full (90/min, 1 s
 * between one account's requests): from the search answer that shows the freed seat to the hold
 * committed, and from the release to the hold. Jobs run as in production; the bench only reads what
 * each poll reports (the same figure as above).
 */
async function holdUnderLoad(backend: Backend, load: number, samples: number) {
  const sim = await startRailSim({ korailMacroCheck: false, blockThreshold: 100 });
  const rail = railConfig({
    srtUrl: sim.url,
    netfunnelUrl: sim.netfunnelUrl,
    egressPerMinute: 90,
    accountIntervalMs: 1000,
  });
  const t = await startApp(backend, { rail }, { pollingIntervalSeconds: 0.5 });
  const holdMs: number[] = [];
  const releaseMs: number[] = [];
  const railService = t.y.rail;
  const poll = railService.poll.bind(railService);
  railService.poll = async (...args) => {
    const out = await poll(...args);
    holdMs.push(...out.holdMs);
    return out;
  };
  const before = sim.counts().total + (sim.counts().byPath['/ts.wseq'] ?? 0);
  const started = Date.now();
  try {
    await addWatches(t, load, load);
    const u = await login(t);
    const user = await t.y.auth.userForToken(u.token);
    if (!user) throw new Error('no user');
    await railService.saveAccount(user, 'srt', '1234567890', 'sim-password');
    const date = kstDay(9);
    const trains = (
      await railService.search({ provider: 'srt', from: '수서', to: '부산', date, time: '060000' })
    ).trains;
    for (let i = 0; i < samples; i++) {
      const train = trains[i % trains.length];
      const w = await watchSoldOut(railService, sim, user, date, train.trainNo);
      // Let the watch settle into the rotation, sold out, before its seat comes back.
      await new Promise((r) => setTimeout(r, 5_000));
      const seen = holdMs.length;
      sim.releaseSeats('srt', date, Number(train.trainNo), 'general', 1);
      const released = performance.now();
      const deadline = Date.now() + 240_000;
      while (holdMs.length === seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (holdMs.length === seen) throw new Error(`sample ${i}: no hold within 240 s`);
      releaseMs.push(performance.now() - released);
      await railService.stopWatch(user, w.id);
    }
  } finally {
    await t.stop();
    await sim.close();
  }
  const sent = sim.counts().total + (sim.counts().byPath['/ts.wseq'] ?? 0) - before;
  const h = [...holdMs].sort((a, b) => a - b);
  const r = [...releaseMs].sort((a, b) => a - b);
  return {
    holdP50: percentile(h, 50),
    holdMax: h.at(-1) ?? Number.NaN,
    releaseP50: percentile(r, 50),
    releaseMax: r.at(-1) ?? Number.NaN,
    perMinute: (sent / (Date.now() - started)) * 60_000,
    blocked: sim.counts().blockedAnswers,
  };
}

async function memory(backend: Backend, many: number, searches: number) {
  const sim = await childSim();
  const rail = railConfig({ srtUrl: sim.url, netfunnelUrl: `${sim.url}/ts.wseq`, egressPerMinute: 60_000 });
  const t = await startApp(backend, { rail }, { pollingIntervalSeconds: 0.5 });
  try {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 2000));
    const idle = process.memoryUsage().rss;
    await addWatches(t, many, searches);
    await new Promise((r) => setTimeout(r, 3 * (rail.pollMs + rail.jitterMs)));
    global.gc?.();
    const loaded = process.memoryUsage().rss;
    return { idle, loaded };
  } finally {
    await t.stop();
    sim.stop();
  }
}

/**
 * Soak: watches on several sold-out trains while seats come back at random moments, at the polite
 * defaults (egress 90/min) against the stand-in's real block threshold (100/min). Every freed seat
 * must go to a watch of that train (while one is waiting); one more seat per train is freed after its
 * watches are served, and nobody may take it; no watch may hold two; no block. With `--workers=N` on
 * PostgreSQL, N yeyak processes share the database and must stay under the one egress limit together.
 * The request rate is sampled every second; the highest count in any 60-second window is reported.
 */
async function soak(backend: Backend, seconds: number, trainCount: number, workers: number) {
  const sim = await startRailSim({ korailMacroCheck: false, blockThreshold: 100 });
  const rail = railConfig({
    srtUrl: sim.url,
    netfunnelUrl: sim.netfunnelUrl,
    pollMs: 1000,
    jitterMs: 500,
    accountIntervalMs: 1000,
    egressPerMinute: 90,
  });
  const n = backend === 'postgres' ? workers : 1;
  const db = backend === 'postgres' ? await freshPostgres() : undefined;
  const apps: TestApp[] = [];
  const requests = () => sim.counts().total + (sim.counts().byPath['/ts.wseq'] ?? 0);
  try {
    for (let i = 0; i < n; i++)
      apps.push(
        await startApp(
          'pglite',
          { rail, ...(db ? { databaseUrl: db.url } : {}) },
          { pollingIntervalSeconds: 0.5 },
        ),
      );
    const t = apps[0];
    const u = await login(t);
    const user = await t.y.auth.userForToken(u.token);
    if (!user) throw new Error('no user');
    await t.y.rail.saveAccount(user, 'srt', '1234567890', 'sim-password');
    const date = kstDay(5);
    const all = (await t.y.rail.search({ provider: 'srt', from: '수서', to: '부산', date, time: '120000' }))
      .trains;
    const trains = all.slice(0, trainCount);
    const perTrain = 3;
    for (const tr of trains) {
      for (let i = 0; i < perTrain; i++) await watchSoldOut(t.y.rail, sim, user, date, tr.trainNo);
    }
    const released = new Map<string, number>();
    const plan = trains.length * (perTrain + 1);
    const gapMs = Math.max(2000, (seconds * 1000) / plan);
    const samples: number[] = [requests()];
    const sampler = setInterval(() => samples.push(requests()), 1000);
    const started = Date.now();
    const before = requests();
    try {
      while (Date.now() - started < seconds * 1000) {
        await new Promise((r) => setTimeout(r, gapMs * (0.5 + Math.random())));
        const open = trains.filter((tr) => (released.get(tr.trainNo) ?? 0) < perTrain + 1);
        if (!open.length) continue;
        const tr = open[Math.floor(Math.random() * open.length)];
        sim.releaseSeats('srt', date, Number(tr.trainNo), 'general', 1);
        released.set(tr.trainNo, (released.get(tr.trainNo) ?? 0) + 1);
      }
      // Let the engine catch up: at the polite rate one SRT hold is about five requests.
      await new Promise((r) => setTimeout(r, 30_000));
    } finally {
      clearInterval(sampler);
    }
    const elapsed = Date.now() - started;
    const sent = requests() - before;
    let maxPerMinute = 0;
    for (let i = 0; i + 60 < samples.length; i++)
      maxPerMinute = Math.max(maxPerMinute, samples[i + 60] - samples[i]);
    let missed = 0;
    let extra = 0;
    for (const tr of trains) {
      const held = [...sim.world.reservations.values()].filter(
        (r) => r.runDt === date && String(r.train.trainNo) === tr.trainNo && r.status !== 'cancelled',
      ).length;
      const expected = Math.min(released.get(tr.trainNo) ?? 0, perTrain);
      if (held < expected) {
        missed += expected - held;
        const ws = (await t.y.rail.watches(user)).filter((w) => w.trainNo === tr.trainNo);
        console.log(
          `missed on ${tr.trainNo}: freed ${released.get(tr.trainNo)}, held ${held}; watches: ${ws.map((w) => `${w.status}/${w.attempts}/${w.lastResult}`).join('; ')}`,
        );
      }
      if (held > expected) extra += held - expected;
    }
    const rows = await t.y.rail.reservations(user);
    const perWatch = new Map<string, number>();
    for (const r of rows) if (r.watchId) perWatch.set(r.watchId, (perWatch.get(r.watchId) ?? 0) + 1);
    return {
      workers: n,
      watches: trains.length * perTrain,
      released: [...released.values()].reduce((a, b) => a + b, 0),
      held: rows.length,
      missed,
      extra,
      doubleHolds: [...perWatch.values()].filter((x) => x > 1).length,
      perMinute: (sent / elapsed) * 60_000,
      maxPerMinute: samples.length > 60 ? maxPerMinute : Number.NaN,
      blocked: sim.counts().blockedAnswers,
      seconds: elapsed / 1000,
    };
  } finally {
    for (const a of apps) await a.stop();
    await db?.drop();
    await sim.close();
  }
}

const mb = (n: number) => fmt(n / 1024 / 1024, 0);

export async function runRail(): Promise<boolean> {
  const watches = numFlag('watches', 1000);
  const searches = numFlag('searches', 50);
  const rounds = numFlag('rounds', 4);
  const holds = numFlag('holds', 30);
  const many = numFlag('many', 10_000);
  const soakSeconds = numFlag('soak-seconds', 60);
  const soakTrains = numFlag('soak-trains', 3);
  const workers = numFlag('workers', 2);
  const busyLoad = numFlag('busy-searches', 20);
  const busySamples = numFlag('busy-samples', 5);
  const only = new Set((strFlag('only') ?? 'shared,hold,busy,soak,memory,budget').split(','));
  let ok = true;
  for (const backend of selectedBackends()) {
    console.log(`\n== rail (${backend}) ==`);
    if (only.has('shared')) {
      const s = await sharedPolls(backend, watches, searches, rounds);
      console.log(
        table(
          ['watches', 'searches (keys)', 'interval ms', 'search requests', 'window s', 'searches / interval'],
          [[watches, s.keys, s.interval, s.searches, fmt(s.elapsed / 1000, 1), fmt(s.perInterval, 1)]],
        ),
      );
      if (s.perInterval > s.keys * 1.5) {
        console.log(`FAIL: ${fmt(s.perInterval, 1)} searches per interval for ${s.keys} searches`);
        ok = false;
      }
    }
    if (only.has('hold')) {
      const h = await pollToHold(backend, holds);
      console.log(
        table(
          ['samples', 'poll-to-hold p50 ms', 'p99 ms', 'max ms', 'whole poll p50 ms'],
          [[holds, fmt(h.p50, 1), fmt(h.p99, 1), fmt(h.max, 1), fmt(h.pollP50, 1)]],
        ),
      );
    }
    if (only.has('busy')) {
      const b = await holdUnderLoad(backend, busyLoad, busySamples);
      console.log(
        table(
          [
            'other searches',
            'samples',
            'poll-to-hold p50 ms',
            'max ms',
            'release-to-hold p50 s',
            'max s',
            'requests/min',
            'blocked',
          ],
          [
            [
              busyLoad,
              busySamples,
              fmt(b.holdP50, 0),
              fmt(b.holdMax, 0),
              fmt(b.releaseP50 / 1000, 1),
              fmt(b.releaseMax / 1000, 1),
              fmt(b.perMinute, 1),
              b.blocked,
            ],
          ],
        ),
      );
      if (b.blocked || b.perMinute > 90) {
        console.log('FAIL: busy egress');
        ok = false;
      }
    }
    if (only.has('soak')) {
      const k = await soak(backend, soakSeconds, soakTrains, workers);
      console.log(
        table(
          [
            'processes',
            'watches',
            'seats freed',
            'held',
            'missed',
            'extra',
            'watches with 2 holds',
            'requests/min',
            'max in any 60 s',
            'blocked',
            's',
          ],
          [
            [
              k.workers,
              k.watches,
              k.released,
              k.held,
              k.missed,
              k.extra,
              k.doubleHolds,
              fmt(k.perMinute, 1),
              fmt(k.maxPerMinute, 0),
              k.blocked,
              fmt(k.seconds, 0),
            ],
          ],
        ),
      );
      if (k.missed || k.extra || k.doubleHolds || k.blocked || k.perMinute > 90 || k.maxPerMinute > 90) {
        console.log('FAIL: soak');
        ok = false;
      }
    }
    if (only.has('budget') && !(await budgetFigures(backend))) {
      console.log('FAIL: budget (a block, a seat not held, or above the budget)');
      ok = false;
    }
    if (only.has('direct') && !(await directFigures(backend))) {
      console.log('FAIL: direct (a reserve or edit p50 above 5 s, or a block)');
      ok = false;
    }
    if (only.has('memory')) {
      const m = await memory(backend, many, Math.max(searches, 200));
      console.log(
        table(
          ['watches', 'RSS idle MB', `RSS with ${many} watches MB`, 'difference MB'],
          [[many, mb(m.idle), mb(m.loaded), mb(m.loaded - m.idle)]],
        ),
      );
    }
  }
  return ok;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  runRail().then(
    (ok) => {
      process.exitCode = ok ? 0 : 1;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
