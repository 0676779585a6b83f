/**
 * Payment requests paid per second: on one wallet (every payment waits for that wallet's row lock)
 * and across many wallets, through the use case (`consult.requests.pay`, in this process) and over
 * HTTP (`POST /api/consult/requests/:id/pay`), beside the ceiling measured in the same run: a raw SQL
 * transfer (one statement: take from one row if it has enough, give to the other, write the transfer
 * row) on bare tables of the same database. A payment is a ledger hold (bonus first, split in two
 * when needed) plus the request's pending → paid UPDATE, a chat line and an outbox event.
 *
 *   node --import tsx bench/consult-payments.ts [--payments=400] [--wallets=200] [--concurrency=16]
 *        [--time-limit=60] [--backends=pglite,postgres]
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLogger, createYeyak, type Yeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { consult } from '../src/modules/consult/index.ts';
import type { User } from '../src/platform/auth/service.ts';
import { type Backend, freshPostgres } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, selectedBackends, table } from './lib.ts';

const PRICE = 10;

/** `count` concurrent loops doing `op(i)` until `total` were started or the time is up. */
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

type S = { payments: number; wallets: number; concurrency: number; timeLimitS: number };

async function run(backend: Backend, s: S) {
  let drop = async () => {};
  let databaseUrl: string | undefined;
  if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
  const config = {
    ...loadConfig({ YEYAK_DEMO: '0', LOG_LEVEL: 'warn' }),
    dataDir: 'memory://',
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
  };
  const y: Yeyak = await createYeyak(config, {
    workers: false,
    logger: createLogger('warn'),
    modules: [consult],
  });
  await y.start();
  const out: (string | number)[][] = [];
  const problems: string[] = [];
  try {
    const raw = y.ctx.database.raw;
    // No sign-up bonus: every payment draws on the paid wallet alone (one hold each).
    await y.ctx.settings.update(null, { values: { 'consult.signupBonus': 0 } });
    // People straight in SQL (password hashes would only time the hashing); sessions minted.
    const people = (
      await raw(
        `insert into users (email, name, password_hash, role, verified_at)
         select 'pay' || g || '@bench.yeyak', '손님 ' || g, 'none', 'user', now() from generate_series(0, $1) g
         returning id`,
        [s.wallets],
      )
    ).rows as { id: string }[];
    const [coun] = (
      await raw(
        `insert into users (email, name, password_hash, role, verified_at)
         values ('counselor@bench.yeyak', '상담사', 'none', 'counselor', now()) returning id`,
      )
    ).rows as { id: string }[];
    await y.consult.counselors.applyLines([
      { code: '901', name: '벤치 상담사', grade: '', ratePer30s: 500, status: 'online' },
    ]);
    const [c] = (await raw(`select id from consult_counselors where code = '901'`)).rows as { id: string }[];
    await y.consult.counselors.link(c?.id as string, coun?.id as string);
    await raw(
      `insert into consult_items (counselor_id, kind, title, price) values ($1, 'chat', '채팅 상담', $2)`,
      [c?.id, PRICE],
    );
    await raw(
      `insert into consult_rooms (kind, user_id, counselor_id)
       select 'counselor', u.id, $1 from users u where u.email like 'pay%@bench.yeyak'`,
      [c?.id],
    );
    // Each wallet holds exactly what its payments need (plus the sign-up bonus, spent first).
    const clearing = await y.ctx.ledger.system('pg_clearing');
    const fund = async (userId: string, amount: number, id: string) => {
      await y.consult.wallet.profile(userId);
      const { paid } = await y.consult.wallet.accounts(userId);
      await y.ctx.ledger.transfer({
        id,
        debitAccountId: clearing.id,
        creditAccountId: paid.id,
        amount,
        kind: 'purchase',
      });
    };
    const one = people[0]?.id as string;
    const many = people.slice(1).map((p) => p.id);
    await fund(one, s.payments * 2 * PRICE, 'fund-one');
    for (const [i, id] of many.entries())
      await fund(id, 2 * Math.ceil(s.payments / many.length) * PRICE, `fund-${i}`);
    const users = new Map<string, { user: User; token: string }>();
    for (const p of people) {
      const session = await y.auth.createSession(p.id);
      users.set(p.id, { user: session.user, token: session.token });
    }
    /** `n` pending requests, owners in turn from `owners`. */
    const requests = async (owners: string[], n: number) =>
      (
        await raw(
          `insert into consult_requests (room_id, counselor_id, user_id, item_id, kind, title, price, expires_at)
           select r.id, r.counselor_id, r.user_id, i.id, 'chat', i.title, i.price, now() + interval '2 days'
           from generate_series(0, $1 - 1) g
           join consult_rooms r on r.user_id = ($2::uuid[])[1 + g % cardinality($2::uuid[])]
           join consult_items i on i.counselor_id = r.counselor_id
           order by g
           returning id, user_id`,
          [n, owners],
        )
      ).rows as { id: string; user_id: string }[];

    const app = y.app;
    if (!app) throw new Error('no HTTP');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    let done = 0;
    let doneOne = 0;
    const phase = async (what: string, owners: string[], via: 'use case' | 'HTTP') => {
      const list = await requests(owners, s.payments);
      let failed = 0;
      const r = await loops(s.concurrency, list.length, s.timeLimitS, async (i) => {
        const q = list[i] as { id: string; user_id: string };
        const who = users.get(q.user_id) as { user: User; token: string };
        if (via === 'use case') {
          await y.consult.requests.pay(who.user, q.id).catch(() => failed++);
        } else {
          const res = await fetch(`${url}/api/consult/requests/${q.id}/pay`, {
            method: 'POST',
            headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
            body: '{}',
          });
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
        }
      });
      if (failed) problems.push(`${what} ${via}: ${failed} payments failed`);
      done += r.done - failed;
      if (owners.length === 1) doneOne += r.done - failed;
      out.push([backend, what, via, r.done, fmt(r.seconds, 2), fmt(r.done / r.seconds)]);
    };
    await phase('one wallet', [one], 'use case');
    await phase(`${many.length} wallets`, many, 'use case');
    await phase('one wallet', [one], 'HTTP');
    await phase(`${many.length} wallets`, many, 'HTTP');

    const paid = (await raw(`select count(*)::int as n from consult_requests where state = 'paid'`))
      .rows[0] as {
      n: number;
    };
    // Phases cut short by --time-limit pay fewer; every payment answered must be paid, and only those.
    if (paid.n !== done) problems.push(`${paid.n} requests paid, ${done} answered paid`);
    const b = await y.consult.wallet.balance(one);
    if (b.held !== doneOne * PRICE || b.paid !== 2 * s.payments * PRICE)
      problems.push(`one wallet: ${JSON.stringify(b)}, ${doneOne} paid`);
    if (!(await y.ctx.ledger.check()).ok) problems.push('ledger check failed');

    // The ceiling: a transfer as one SQL statement on bare tables of the same database.
    await raw('create table bench_accounts (id integer primary key, balance bigint not null)');
    await raw(
      'create table bench_transfers (id text primary key, debit integer, credit integer, amount bigint)',
    );
    await raw('insert into bench_accounts select g, $1 from generate_series(0, $2) g', [
      s.payments * PRICE,
      s.wallets + 1,
    ]);
    const transfer = `with d as (update bench_accounts set balance = balance - $2 where id = $1 and balance >= $2 returning id),
      c as (update bench_accounts set balance = balance + $2 where id = $3 and exists (select 1 from d) returning id)
      insert into bench_transfers select $4, $1, $3, $2 from d, c returning id`;
    const payee = s.wallets + 1;
    const rawOne = await loops(s.concurrency, s.payments, s.timeLimitS, (i) =>
      raw(transfer, [0, PRICE, payee, `one-${i}`]),
    );
    out.push([
      backend,
      'one wallet',
      'ceiling: raw SQL transfer',
      rawOne.done,
      fmt(rawOne.seconds, 2),
      fmt(rawOne.done / rawOne.seconds),
    ]);
    const rawMany = await loops(s.concurrency, s.payments, s.timeLimitS, (i) =>
      raw(transfer, [1 + (i % s.wallets), PRICE, payee, `many-${i}`]),
    );
    out.push([
      backend,
      `${s.wallets} wallets`,
      'ceiling: raw SQL transfer',
      rawMany.done,
      fmt(rawMany.seconds, 2),
      fmt(rawMany.done / rawMany.seconds),
    ]);
  } finally {
    await y.stop();
    await drop();
  }
  return { out, problems };
}

export async function runConsultPayments(): Promise<boolean> {
  const s: S = {
    payments: numFlag('payments', 400),
    wallets: numFlag('wallets', 200),
    concurrency: numFlag('concurrency', 16),
    timeLimitS: numFlag('time-limit', 60),
  };
  header(
    `consult: payment requests paid per second (${fmt(s.payments)} a phase, ${s.concurrency} at once, ${PRICE} points each)`,
  );
  const all: (string | number)[][] = [];
  const problems: string[] = [];
  for (const b of selectedBackends()) {
    const r = await run(b, s);
    all.push(...r.out);
    problems.push(...r.problems.map((p) => `${b}: ${p}`));
  }
  console.log(table(['backend', 'wallets', 'how', 'paid', 's', 'per s'], all));
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  return problems.length === 0;
}

if (isMain(import.meta.url)) process.exitCode = (await runConsultPayments()) ? 0 : 1;
