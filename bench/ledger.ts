/**
 * The points ledger: spends per second on one wallet (every transfer waits for the same row lock) and
 * across 1,000 wallets, beside the same database's raw conditional UPDATE
 * (`update … set balance = balance - $1 where id = $2 and balance >= $1`) as the ceiling; and the
 * p99 of hold → post. Runs ctx.ledger in this process on a fresh database per backend.
 *
 *   node --import tsx bench/ledger.ts [--concurrency=32] [--spends=2000] [--wallets=1000] [--holds=300]
 *        [--time-limit=120] [--backends=pglite,postgres]
 */
import { performance } from 'node:perf_hooks';
import { createLogger, createYeyak, type Yeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Account } from '../src/platform/ledger/index.ts';
import type { Backend } from '../test/helpers.ts';
import { freshPostgres } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, percentile, selectedBackends, table } from './lib.ts';

type Row = { backend: Backend; what: string; ops: number; seconds: number; perSecond: number; note: string };

/** `loops` concurrent loops each doing `op(i)` until `total` were started or the time is up. */
async function loops(count: number, total: number, limitS: number, op: (i: number) => Promise<unknown>) {
  let next = 0;
  let done = 0;
  const deadline = Date.now() + limitS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < total && Date.now() < deadline) {
        await op(next++);
        done++;
      }
    }),
  );
  return { done, seconds: (performance.now() - t0) / 1000 };
}

async function run(backend: Backend, s: ReturnType<typeof settings>) {
  let drop = async () => {};
  let databaseUrl: string | undefined;
  if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
  const config = { ...loadConfig({ YEYAK_DEMO: '0', LOG_LEVEL: 'warn' }), dataDir: 'memory://', databaseUrl };
  const y: Yeyak = await createYeyak(config, {
    http: false,
    workers: false,
    logger: createLogger('warn'),
    modules: [],
  });
  const rows: Row[] = [];
  const problems: string[] = [];
  try {
    const L = y.ctx.ledger;
    const clearing = await L.system('pg_clearing');
    const payable = await L.system('counselor_payable');
    // Owners straight in SQL: a thousand password hashes would only time the hashing.
    const users = (
      await y.ctx.database.raw(
        "insert into users (email, password_hash) select 'bench' || g || '@bench.yeyak', 'x' from generate_series(0, $1) g returning id",
        [s.wallets],
      )
    ).rows as { id: string }[];
    const wallets: Account[] = [];
    for (const u of users) wallets.push(await L.wallet(u.id));
    const fund = (walletId: string, amount: number, id: string) =>
      L.transfer({ id, debitAccountId: clearing.id, creditAccountId: walletId, amount, kind: 'purchase' });
    await fund(wallets[0].id, s.spends, 'fund-one');
    for (const [i, w] of wallets.entries()) if (i > 0) await fund(w.id, s.spends, `fund-${i}`);
    const spend = (walletId: string, id: string) =>
      L.transfer({ id, debitAccountId: walletId, creditAccountId: payable.id, amount: 1, kind: 'spend' });

    const one = await loops(s.concurrency, s.spends, s.timeLimitS, (i) => spend(wallets[0].id, `one-${i}`));
    rows.push({
      backend,
      what: 'ledger spend, one wallet',
      ops: one.done,
      seconds: one.seconds,
      perSecond: one.done / one.seconds,
      note: `${s.concurrency} at once`,
    });
    const many = await loops(s.concurrency, s.spends, s.timeLimitS, (i) =>
      spend(wallets[1 + (i % (wallets.length - 1))].id, `many-${i}`),
    );
    rows.push({
      backend,
      what: `ledger spend, ${s.wallets} wallets`,
      ops: many.done,
      seconds: many.seconds,
      perSecond: many.done / many.seconds,
      note: `${s.concurrency} at once`,
    });

    // The ceiling: the same database, a bare table, the conditional UPDATE alone.
    const raw = y.ctx.database.raw;
    await raw('create table bench_wallets (id integer primary key, balance bigint not null)');
    await raw('insert into bench_wallets select g, $1 from generate_series(0, $2) g', [s.spends, s.wallets]);
    const take =
      'update bench_wallets set balance = balance - $1 where id = $2 and balance >= $1 returning id';
    const rawOne = await loops(s.concurrency, s.spends, s.timeLimitS, () => raw(take, [1, 0]));
    rows.push({
      backend,
      what: 'raw UPDATE, one row',
      ops: rawOne.done,
      seconds: rawOne.seconds,
      perSecond: rawOne.done / rawOne.seconds,
      note: 'ceiling',
    });
    const rawMany = await loops(s.concurrency, s.spends, s.timeLimitS, (i) =>
      raw(take, [1, 1 + (i % s.wallets)]),
    );
    rows.push({
      backend,
      what: `raw UPDATE, ${s.wallets} rows`,
      ops: rawMany.done,
      seconds: rawMany.seconds,
      perSecond: rawMany.done / rawMany.seconds,
      note: 'ceiling',
    });

    // hold → post, one after the other per loop, across the wallets.
    const latencies: number[] = [];
    const hp = await loops(Math.min(8, s.concurrency), s.holds, s.timeLimitS, async (i) => {
      const w = wallets[1 + (i % (wallets.length - 1))];
      const t0 = performance.now();
      const h = await L.hold({
        id: `h-${i}`,
        debitAccountId: w.id,
        creditAccountId: payable.id,
        amount: 3,
        kind: 'consultation',
        expiresAt: new Date(Date.now() + 60_000),
      });
      await L.post({ id: `p-${i}`, holdId: h.id, amount: 2 });
      latencies.push(performance.now() - t0);
    });
    latencies.sort((a, b) => a - b);
    rows.push({
      backend,
      what: 'hold → post',
      ops: hp.done,
      seconds: hp.seconds,
      perSecond: hp.done / hp.seconds,
      note: `p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms`,
    });

    const check = await L.check();
    if (!check.ok) problems.push(`${backend}: check() failed: ${JSON.stringify(check).slice(0, 300)}`);
    const first = await L.account(wallets[0].id);
    if (first.balance !== s.spends - one.done)
      problems.push(`${backend}: one wallet balance ${first.balance}`);
  } finally {
    await y.stop();
    await drop();
  }
  return { rows, problems };
}

function settings() {
  return {
    concurrency: numFlag('concurrency', 32),
    spends: numFlag('spends', 2000),
    wallets: numFlag('wallets', 1000),
    holds: numFlag('holds', 300),
    timeLimitS: numFlag('time-limit', 120),
  };
}

export async function runLedger(): Promise<boolean> {
  header('points ledger: spends/s and hold → post');
  const s = settings();
  console.log(
    `${s.spends} spends of 1 point each phase, ${s.concurrency} at once; ${s.holds} hold → post pairs, 8 at once`,
  );
  const rows: Row[] = [];
  const problems: string[] = [];
  for (const backend of selectedBackends()) {
    console.log(`… ${backend}`);
    const r = await run(backend, s);
    rows.push(...r.rows);
    problems.push(...r.problems);
  }
  console.log();
  console.log(
    table(
      ['backend', 'what', 'ops', 's', 'ops/s', 'note'],
      rows.map((r) => [r.backend, r.what, r.ops, fmt(r.seconds, 2), fmt(r.perSecond, 0), r.note]),
    ),
  );
  for (const p of problems) console.log(`\nFAIL ${p}`);
  if (!problems.length) console.log('\nOK: check() balanced after every run.');
  return problems.length === 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = (await runLedger()) ? 0 : 1;
}
