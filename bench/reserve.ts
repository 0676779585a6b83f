/**
 * Reserve under contention: C concurrent HTTP clients buy one seat each from one ticket type of
 * quota Q until it is sold out (plus some extra attempts), against a yeyak server running in a
 * child process (so the load generator does not share the server's event loop). Beside it, the
 * raw rate of the same conditional UPDATE straight on the database, as the ceiling.
 *
 *   node --import tsx bench/reserve.ts [--concurrency=64] [--quota=2000] [--buyers=16] [--extra=200]
 *        [--raw-quota=10000] [--time-limit=180] [--backends=pglite,postgres] [--no-workers] [--no-profile] [--no-raw]
 *
 * Flags can also be given as env vars: BENCH_CONCURRENCY=32 and so on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type Backend, createEvent, freshPostgres, login, startApp } from '../test/helpers.ts';
import {
  boolFlag,
  fmt,
  header,
  isMain,
  numFlag,
  percentile,
  selectedBackends,
  strFlag,
  table,
  withTimeout,
} from './lib.ts';

export type ReserveSettings = {
  concurrency: number;
  quota: number;
  buyers: number;
  extra: number;
  rawQuota: number;
  timeLimitS: number;
  workers: boolean;
  profile: boolean;
  profileRequests: number;
  /** Measure the raw UPDATE ceiling too (--no-raw skips it). */
  raw: boolean;
};

export function reserveSettings(): ReserveSettings {
  return {
    concurrency: numFlag('concurrency', 64),
    quota: numFlag('quota', 2000),
    buyers: numFlag('buyers', 16),
    extra: numFlag('extra', 200),
    rawQuota: numFlag('raw-quota', 10_000),
    timeLimitS: numFlag('time-limit', 180),
    workers: !boolFlag('no-workers'),
    profile: !boolFlag('no-profile'),
    profileRequests: numFlag('profile-requests', 200),
    raw: !boolFlag('no-raw'),
  };
}

// ------------------------------------------------------------------ raw conditional UPDATE (ceiling)

const TAKE_SQL =
  'update bench_ticket_types set sold = sold + $2 where id = $1 and quota - sold - held >= $2 returning id';

const SETUP_SQL = [
  'drop table if exists bench_ticket_types, bench_reservations, bench_outbox',
  `create table bench_ticket_types (id uuid primary key default gen_random_uuid(), quota integer not null,
     sold integer not null default 0, held integer not null default 0)`,
  `create table bench_reservations (id serial primary key, ticket_type_id uuid not null, quantity integer not null,
     created_at timestamptz not null default now())`,
  `create table bench_outbox (seq bigserial primary key, id uuid not null default gen_random_uuid(), topic text not null,
     payload jsonb not null, created_at timestamptz not null default now())`,
];

type Query = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

export type RawResult = {
  name: string;
  loops: number;
  updates: number;
  seconds: number;
  perSecond: number;
  sold: number;
  quota: number;
};

/**
 * `loops` concurrent loops run the same conditional UPDATE as Tickets.take (one seat each) until it
 * matches no row. mode 'tx' wraps it like the app's reserve does: BEGIN, UPDATE, INSERT reservation,
 * INSERT outbox event, COMMIT.
 */
async function rawLoops(
  name: string,
  loops: number,
  quota: number,
  timeLimitS: number,
  mode: 'update' | 'tx',
  query: Query,
  tx: (fn: (q: Query) => Promise<boolean>) => Promise<boolean>,
): Promise<RawResult> {
  for (const s of SETUP_SQL) await query(s);
  const [row] = (await query('insert into bench_ticket_types (quota) values ($1) returning id', [quota]))
    .rows as { id: string }[];
  let updates = 0;
  const deadline = Date.now() + timeLimitS * 1000;
  const maxIterations = quota + loops; // each loop stops at its first miss; never more than this
  let iterations = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (iterations++ < maxIterations && Date.now() < deadline) {
        let took: boolean;
        if (mode === 'update') {
          took = (await query(TAKE_SQL, [row.id, 1])).rows.length === 1;
        } else {
          took = await tx(async (q) => {
            if ((await q(TAKE_SQL, [row.id, 1])).rows.length === 0) return false;
            await q('insert into bench_reservations (ticket_type_id, quantity) values ($1, 1) returning id', [
              row.id,
            ]);
            await q('insert into bench_outbox (topic, payload) values ($1, $2) returning id', [
              'tickets.reservation_confirmed',
              JSON.stringify({ ticketTypeId: row.id, quantity: 1 }),
            ]);
            return true;
          });
        }
        if (!took) break;
        updates++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const [after] = (await query('select quota, sold from bench_ticket_types where id = $1', [row.id]))
    .rows as { quota: number; sold: number }[];
  return {
    name,
    loops,
    updates,
    seconds,
    perSecond: updates / seconds,
    sold: after.sold,
    quota: after.quota,
  };
}

export async function rawPostgres(
  s: ReserveSettings,
  poolSize: number,
  mode: 'update' | 'tx',
): Promise<RawResult> {
  const fresh = await freshPostgres();
  const pool = new pg.Pool({ connectionString: fresh.url, max: poolSize });
  pool.on('error', () => {});
  try {
    const query: Query = (text, values) => pool.query(text, values);
    return await rawLoops(
      `raw PostgreSQL ${mode === 'update' ? 'UPDATE' : 'tx (UPDATE+2 INSERT)'}, pool ${poolSize}`,
      s.concurrency,
      s.rawQuota,
      s.timeLimitS,
      mode,
      query,
      async (fn) => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const ok = await fn((text, values) => client.query(text, values));
          await client.query(ok ? 'commit' : 'rollback');
          return ok;
        } catch (err) {
          await client.query('rollback').catch(() => {});
          throw err;
        } finally {
          client.release();
        }
      },
    );
  } finally {
    await pool.end();
    await fresh.drop();
  }
}

export async function rawPglite(s: ReserveSettings, mode: 'update' | 'tx'): Promise<RawResult> {
  const db = await PGlite.create('memory://');
  try {
    const query: Query = (text, values) => db.query(text, values);
    return await rawLoops(
      `raw PGlite ${mode === 'update' ? 'UPDATE' : 'tx (UPDATE+2 INSERT)'}, 1 connection`,
      s.concurrency,
      s.rawQuota,
      s.timeLimitS,
      mode,
      query,
      (fn) => db.transaction((t) => fn((text, values) => t.query(text, values))),
    );
  } finally {
    await db.close();
  }
}

// ------------------------------------------------------------------ the server child process

type Ready = {
  type: 'ready';
  url: string;
  tokens: string[];
  ticketTypeId: string;
  profileTicketTypeId: string;
};
type Check = { type: 'check'; quota: number; sold: number; held: number; rows: number; seats: number };
export type Profile = {
  type: 'profile';
  requests: number;
  /** Mean server time per request (request event to response finish), ms. */
  serverMs: number;
  /** Per statement kind: queries per request and mean ms per query. */
  kinds: { kind: string; perRequest: number; meanMs: number }[];
  /** Queries outside any request (relay, job queue, mail consumer) per profiled request. */
  backgroundPerRequest: number;
  backgroundKinds: { kind: string; perRequest: number }[];
};
type ToParent = Ready | Check | Profile;
type ToChild = { type: 'check'; ticketTypeId: string } | { type: 'profile-start' | 'profile-end' | 'stop' };

const KINDS: [string, RegExp][] = [
  ['reserve in one statement (CTE)', /^\s*with take as/i],
  ['auth: session+user lookup', /from "sessions"/i],
  ['sellable(): type+showtime+event', /from "ticket_types" inner join "ticket_showtimes"/i],
  ['BEGIN', /^\s*begin/i],
  ['take(): conditional UPDATE', /^\s*update "ticket_types"/i],
  ['INSERT reservation', /^\s*insert into "ticket_reservations"/i],
  ['INSERT outbox event', /^\s*insert into "outbox"/i],
  ['COMMIT', /^\s*commit/i],
  ['reservation(): history read', /from ticket_reservation_history h/i],
  ['relay: outbox select/update', /from outbox|update outbox/i],
  ['job queue (pg-boss)', /pgboss\./i],
  ['mail: delivery claim/done', /event_deliveries/i],
  ['mail: mailbox insert', /mailbox_messages/i],
];

function kindOf(text: string): string {
  for (const [k, re] of KINDS) if (re.test(text)) return k;
  return `other: ${text.replace(/\s+/g, ' ').trim().slice(0, 40)}`;
}

/**
 * Counts and times every query of the app's database clients (pg or PGlite), attributing it to the
 * HTTP request it ran for (AsyncLocalStorage). With PGlite the time includes waiting for its one
 * connection (the job queue and relay share it). Only meaningful with one request at a time: pg-pool hands a queued
 * connection over in the releasing caller's context.
 */
function instrumentDb(server: http.Server) {
  type Store = { queries: { kind: string; ms: number }[] };
  const als = new AsyncLocalStorage<Store>();
  let on = false;
  let requests = 0;
  let serverMs = 0;
  const perKind = new Map<string, { n: number; ms: number }>();
  const background = new Map<string, number>();
  type Patchable = { query: (...args: unknown[]) => unknown };
  for (const proto of [pg.Client.prototype, PGlite.prototype] as unknown as Patchable[])
    patch(proto, proto.query);
  function patch(proto: Patchable, original: Patchable['query']) {
    proto.query = function (this: unknown, ...args: unknown[]) {
      if (!on) return original.apply(this, args);
      const first = args[0];
      const text =
        typeof first === 'string' ? first : String((first as { text?: string } | undefined)?.text ?? '');
      const kind = kindOf(text);
      const store = als.getStore();
      if (!store) {
        background.set(kind, (background.get(kind) ?? 0) + 1);
        return original.apply(this, args);
      }
      const t0 = performance.now();
      const done = () => store.queries.push({ kind, ms: performance.now() - t0 });
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        args[args.length - 1] = (...cbArgs: unknown[]) => {
          done();
          return (last as (...a: unknown[]) => unknown)(...cbArgs);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function')
        (result as Promise<unknown>).then(done, done);
      return result;
    };
  }
  const listeners = server.listeners('request') as ((
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!on || req.method !== 'POST') {
      for (const l of listeners) l.call(server, req, res);
      return;
    }
    const store: Store = { queries: [] };
    const t0 = performance.now();
    res.on('finish', () => {
      requests++;
      serverMs += performance.now() - t0;
      for (const q of store.queries) {
        const k = perKind.get(q.kind) ?? { n: 0, ms: 0 };
        k.n++;
        k.ms += q.ms;
        perKind.set(q.kind, k);
      }
    });
    als.run(store, () => {
      for (const l of listeners) l.call(server, req, res);
    });
  });
  return {
    start() {
      on = true;
    },
    stop(): Profile {
      on = false;
      const n = Math.max(1, requests);
      return {
        type: 'profile',
        requests,
        serverMs: serverMs / n,
        kinds: [...perKind.entries()].map(([kind, v]) => ({ kind, perRequest: v.n / n, meanMs: v.ms / v.n })),
        backgroundPerRequest: [...background.values()].reduce((a, b) => a + b, 0) / n,
        backgroundKinds: [...background.entries()]
          .map(([kind, v]) => ({ kind, perRequest: v / n }))
          .sort((a, b) => b.perRequest - a.perRequest),
      };
    },
  };
}

async function child() {
  const backend = strFlag('backend') as Backend;
  const s = reserveSettings();
  // Never outlive the parent, nor a stuck run.
  setTimeout(() => process.exit(3), (s.timeLimitS + 600) * 1000).unref();
  const t = await startApp(backend, {}, { workers: s.workers });
  const send = (m: ToParent) => process.send?.(m);
  process.on('disconnect', () => void t.stop().finally(() => process.exit(0)));
  const profiler = t.y.app ? instrumentDb(t.y.app.server) : undefined;
  const organizer = await login(t, 'organizer');
  const ev = await createEvent(organizer.api, {
    ticketTypes: [
      { name: 'R석', price: 50_000, quota: s.quota },
      { name: 'S석', price: 30_000, quota: s.profileRequests },
    ],
  });
  const tokens: string[] = [];
  for (let i = 0; i < s.buyers; i++) tokens.push((await login(t, 'user')).token);
  const [contended, profiled] = ev.showtimes[0].ticketTypes;
  process.on('message', (m: ToChild) => {
    void (async () => {
      if (m.type === 'check') {
        const db = t.y.ctx.database;
        const tt = (
          await db.raw('select quota, sold, held from ticket_types where id = $1', [m.ticketTypeId])
        ).rows[0];
        const r = (
          await db.raw(
            'select count(*)::int as rows, coalesce(sum(quantity), 0)::int as seats from ticket_reservations where ticket_type_id = $1',
            [m.ticketTypeId],
          )
        ).rows[0];
        send({
          type: 'check',
          quota: Number(tt.quota),
          sold: Number(tt.sold),
          held: Number(tt.held),
          rows: Number(r.rows),
          seats: Number(r.seats),
        });
      } else if (m.type === 'profile-start') {
        profiler?.start();
        send({
          type: 'profile',
          requests: 0,
          serverMs: 0,
          kinds: [],
          backgroundPerRequest: 0,
          backgroundKinds: [],
        });
      } else if (m.type === 'profile-end') {
        const p = profiler?.stop();
        send(
          p ?? {
            type: 'profile',
            requests: 0,
            serverMs: 0,
            kinds: [],
            backgroundPerRequest: 0,
            backgroundKinds: [],
          },
        );
      } else if (m.type === 'stop') {
        await t.stop();
        process.exit(0);
      }
    })().catch((err) => {
      console.error('bench child:', err);
      process.exit(1);
    });
  });
  send({
    type: 'ready',
    url: t.url,
    tokens,
    ticketTypeId: contended.id,
    profileTicketTypeId: profiled.id,
  });
}

class ServerChild {
  private waiters: ((m: ToParent) => void)[] = [];
  private exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: ToParent) => this.waiters.shift()?.(m));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  static start(backend: Backend, s: ReserveSettings) {
    const args = [
      '--child',
      `--backend=${backend}`,
      `--quota=${s.quota}`,
      `--buyers=${s.buyers}`,
      `--time-limit=${s.timeLimitS}`,
      `--profile-requests=${s.profileRequests}`,
      ...(s.workers ? [] : ['--no-workers']),
    ];
    return new ServerChild(
      fork(fileURLToPath(import.meta.url), args, {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }

  next<T extends ToParent>(ms = 120_000): Promise<T> {
    return withTimeout(
      new Promise<T>((resolve, reject) => {
        this.waiters.push((m) => resolve(m as T));
        this.exited.then((code) => reject(new Error(`server child exited (${code})`)));
      }),
      ms,
      'server child',
    );
  }

  async ask<T extends ToParent>(m: ToChild): Promise<T> {
    const answer = this.next<T>();
    this.proc.send(m);
    return answer;
  }

  async stop() {
    if (this.proc.exitCode !== null) return;
    this.proc.send({ type: 'stop' } satisfies ToChild);
    const code = await Promise.race([
      this.exited,
      new Promise<'late'>((r) => setTimeout(() => r('late'), 15_000)),
    ]);
    if (code === 'late') {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

// ------------------------------------------------------------------ the load generator

type Shot = { status: number; ms: number; soldOut: boolean; end: number };

function postJson(agent: http.Agent, base: URL, path: string, token: string, body: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export type HttpResult = {
  backend: Backend;
  concurrency: number;
  attempts: number;
  successes: number;
  soldOut: number;
  other: Record<string, number>;
  fiveHundreds: number;
  sellOutS: number;
  totalS: number;
  reservesPerS: number;
  requestsPerS: number;
  p50: number;
  p99: number;
  p50Ok: number;
  p99Ok: number;
  check: Check;
  oversold: number;
  profile?: Profile;
};

async function hammer(
  ready: Ready,
  s: ReserveSettings,
  ticketTypeId: string,
  concurrency: number,
  stopAfterSoldOut: number,
  maxAttempts: number,
) {
  const base = new URL(ready.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error('loopback only');
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const body = JSON.stringify({ ticketTypeId, quantity: 1 });
  const shots: Shot[] = [];
  let attempts = 0;
  let soldOut = 0;
  const deadline = Date.now() + s.timeLimitS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const token = ready.tokens[i % ready.tokens.length];
      while (soldOut < stopAfterSoldOut && attempts < maxAttempts && Date.now() < deadline) {
        attempts++;
        const start = performance.now();
        let status = 0;
        let text = '';
        try {
          ({ status, text } = await postJson(agent, base, '/api/reservations', token, body));
        } catch {
          status = -1; // network error
        }
        const end = performance.now();
        const isSoldOut = status === 409 && text.includes('sold out');
        if (isSoldOut) soldOut++;
        shots.push({ status, ms: end - start, soldOut: isSoldOut, end: end - t0 });
      }
    }),
  );
  const totalS = (performance.now() - t0) / 1000;
  agent.destroy();
  return { shots, attempts, soldOut, totalS };
}

export async function httpReserve(backend: Backend, s: ReserveSettings): Promise<HttpResult> {
  const server = ServerChild.start(backend, s);
  try {
    const ready = await server.next<Ready>(180_000);
    const { shots, attempts, soldOut, totalS } = await hammer(
      ready,
      s,
      ready.ticketTypeId,
      s.concurrency,
      s.extra,
      s.quota * 2 + s.extra + s.concurrency,
    );
    const ok = shots.filter((x) => x.status === 201);
    const other: Record<string, number> = {};
    for (const x of shots) {
      if (x.status === 201 || x.soldOut) continue;
      other[String(x.status)] = (other[String(x.status)] ?? 0) + 1;
    }
    const all = shots.map((x) => x.ms).sort((a, b) => a - b);
    const okMs = ok.map((x) => x.ms).sort((a, b) => a - b);
    const sellOutS = ok.length ? Math.max(...ok.map((x) => x.end)) / 1000 : totalS;
    const check = await server.ask<Check>({ type: 'check', ticketTypeId: ready.ticketTypeId });
    let profile: Profile | undefined;
    if (s.profile) {
      await server.ask<Profile>({ type: 'profile-start' });
      await hammer(ready, s, ready.profileTicketTypeId, 1, 1, s.profileRequests + 1);
      profile = await server.ask<Profile>({ type: 'profile-end' });
    }
    return {
      backend,
      concurrency: s.concurrency,
      attempts,
      successes: ok.length,
      soldOut,
      other,
      fiveHundreds: shots.filter((x) => x.status >= 500 || x.status < 0).length,
      sellOutS,
      totalS,
      reservesPerS: ok.length / sellOutS,
      requestsPerS: attempts / totalS,
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      p50Ok: percentile(okMs, 50),
      p99Ok: percentile(okMs, 99),
      check,
      oversold: Math.max(0, check.sold + check.held - check.quota) + Math.max(0, check.seats - check.quota),
      profile,
    };
  } finally {
    await server.stop();
  }
}

// ------------------------------------------------------------------ the whole benchmark

export async function runReserve(s = reserveSettings()): Promise<boolean> {
  header('reserve under contention');
  const backends = selectedBackends();
  console.log(
    `quota ${s.quota}, ${s.concurrency} concurrent clients, ${s.buyers} buyers, stop after ${s.extra} sold-out answers; ` +
      `server in a child process (${s.workers ? 'with' : 'without'} event workers); raw loops: ${s.concurrency}, quota ${s.rawQuota}`,
  );
  const raws: RawResult[] = [];
  const https: HttpResult[] = [];
  let healthy = true;
  if (s.raw && process.env.DATABASE_URL) {
    raws.push(await rawPostgres(s, s.concurrency, 'update'));
    raws.push(await rawPostgres(s, 10, 'update'));
    raws.push(await rawPostgres(s, 10, 'tx'));
  }
  if (s.raw) {
    raws.push(await rawPglite(s, 'update'));
    raws.push(await rawPglite(s, 'tx'));
  }
  for (const b of backends) {
    console.log(`… ${b}: HTTP run`);
    https.push(await httpReserve(b, s));
  }

  console.log('\nHTTP POST /api/reservations (quantity 1)\n');
  console.log(
    table(
      [
        'backend',
        'attempts',
        '201',
        '409 sold out',
        'other',
        '5xx/err',
        'oversold',
        'sold/quota',
        'rows',
        'reserves/s',
        'req/s',
        'p50 ms',
        'p99 ms',
        'p50 201',
        'p99 201',
      ],
      https.map((h) => [
        h.backend,
        h.attempts,
        h.successes,
        h.soldOut,
        Object.entries(h.other)
          .filter(([k]) => Number(k) < 500 && Number(k) >= 0)
          .map(([k, v]) => `${k}×${v}`)
          .join(' ') || '0',
        h.fiveHundreds,
        h.oversold,
        `${h.check.sold}/${h.check.quota}`,
        h.check.rows,
        fmt(h.reservesPerS),
        fmt(h.requestsPerS),
        fmt(h.p50, 1),
        fmt(h.p99, 1),
        fmt(h.p50Ok, 1),
        fmt(h.p99Ok, 1),
      ]),
    ),
  );
  if (raws.length) console.log('\nRaw conditional UPDATE (same WHERE as Tickets.take), the ceiling\n');
  if (raws.length)
    console.log(
      table(
        ['raw', 'loops', 'updates', 'seconds', 'updates/s', 'sold/quota'],
        raws.map((r) => [
          r.name,
          r.loops,
          r.updates,
          fmt(r.seconds, 2),
          fmt(r.perSecond),
          `${r.sold}/${r.quota}`,
        ]),
      ),
    );
  if (raws.length) console.log('\nHTTP reserves/s ÷ raw UPDATE/s\n');
  const ratioRows: (string | number)[][] = [];
  for (const h of https) {
    for (const r of raws) {
      const sameEngine = (h.backend === 'postgres') === r.name.includes('PostgreSQL');
      if (!sameEngine && h.backend === 'postgres') continue;
      ratioRows.push([
        h.backend,
        r.name,
        fmt(h.reservesPerS),
        fmt(r.perSecond),
        `${fmt((100 * h.reservesPerS) / r.perSecond, 1)} %`,
      ]);
    }
  }
  if (raws.length)
    console.log(table(['HTTP backend', 'against', 'HTTP reserves/s', 'raw/s', 'ratio'], ratioRows));
  for (const h of https) {
    if (!h.profile) continue;
    const p = h.profile;
    console.log(
      `\nProfile (${h.backend}): ${p.requests} sequential reserves, one client, mean server time ${fmt(p.serverMs, 2)} ms\n`,
    );
    const inRequest = p.kinds.reduce((a, k) => a + k.perRequest, 0);
    const dbMs = p.kinds.reduce((a, k) => a + k.perRequest * k.meanMs, 0);
    console.log(
      table(
        ['statement (in the request)', 'per request', 'mean ms', 'ms per request'],
        [
          ...p.kinds.map((k) => [
            k.kind,
            fmt(k.perRequest, 2),
            fmt(k.meanMs, 3),
            fmt(k.perRequest * k.meanMs, 3),
          ]),
          ['total', fmt(inRequest, 2), '', fmt(dbMs, 3)],
          ['not in queries (HTTP, JSON, auth, drizzle)', '', '', fmt(p.serverMs - dbMs, 3)],
        ],
      ),
    );
    console.log(
      `\nBackground queries while profiling (relay, job queue, mail consumer): ${fmt(p.backgroundPerRequest, 2)} per reserve\n`,
    );
    console.log(
      table(
        ['statement (background)', 'per reserve'],
        p.backgroundKinds.slice(0, 10).map((k) => [k.kind, fmt(k.perRequest, 2)]),
      ),
    );
  }
  for (const h of https) {
    const bad = [];
    if (h.successes !== s.quota) bad.push(`successes ${h.successes} ≠ quota ${s.quota}`);
    if (h.fiveHundreds > 0) bad.push(`${h.fiveHundreds} 5xx/network errors`);
    if (h.oversold > 0) bad.push(`oversold by ${h.oversold}`);
    if (h.check.rows !== h.check.sold) bad.push(`${h.check.rows} reservation rows for ${h.check.sold} sold`);
    if (bad.length) {
      healthy = false;
      console.log(`\nFAIL ${h.backend}: ${bad.join('; ')}`);
    }
  }
  for (const r of raws) {
    if (r.sold !== r.quota || r.updates !== r.quota) {
      healthy = false;
      console.log(`\nFAIL ${r.name}: ${r.updates} updates, sold ${r.sold}/${r.quota}`);
    }
  }
  if (healthy) console.log('\nOK: every run sold exactly its quota, no 5xx, nothing oversold.');
  return healthy;
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--child')) {
    await child();
  } else {
    const ok = await runReserve();
    process.exitCode = ok ? 0 : 1;
  }
}
