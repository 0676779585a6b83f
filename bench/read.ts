/**
 * Reads under load beside what the machine allows, in one run: yeyak's `GET /reservation/lists`
 * (a user with 20 reservations, and one with none), `GET /api/events` (the public list) and
 * `GET /api/auth/me`, against Fastify answering the same rows from a raw query on the same
 * database (the app's own pool or PGlite connection) and Fastify answering hello.
 *
 * Targets take turns in short rounds (--rounds × --seconds each), so a ratio compares figures
 * taken under the same machine load. The servers run in a child process (yeyak and the ceiling Fastify apps side by side, measured one
 * after another); autocannon loads them from this process, so the load generator has its own event
 * loop. The machine is shared: compare the ratios of one run, not absolute figures across runs.
 *
 *   node --import tsx bench/read.ts [--connections=32] [--seconds=4] [--rounds=3] [--rows=20] [--events=20]
 *        [--backends=pglite,postgres] [--only=lists,rows,rows-prepared,none,me,events,event-rows,hello]
 *        [--cpu-prof]   # profiles the server (V8 profiler) while each yeyak target runs; prints top frames
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { type Backend, inHours, startApp } from '../test/helpers.ts';
import {
  boolFlag,
  fmt,
  header,
  isMain,
  numFlag,
  selectedBackends,
  sleep,
  strFlag,
  table,
  withTimeout,
} from './lib.ts';

type Target = { name: string; path: string; token?: string; ceilingOf?: string };
type Ready = { type: 'ready'; yeyak: string; ceiling: string; targets: Target[] };

/** The history read of views.ts, as plain SQL: what Fastify-with-the-rows answers. */
const ROWS_SQL = `
  select r.id, r.ticket_type_id, r.email, r.quantity, r.unit_price, r.total_price, r.source, r.created_at,
         r.checked_in_at, r.cancelled_at, r.deleted, r.user_id,
         t.name as ticket_type_name, s.id as showtime_id, s.starts_at,
         e.id as event_id, e.code as event_code, e.title as event_title, e.poster_url, e.venue, e.timezone
    from ticket_reservation_history r
    join ticket_types t on t.id = r.ticket_type_id
    join ticket_showtimes s on s.id = t.showtime_id
    join ticket_events e on e.id = s.event_id
   where r.user_id = $1
   order by r.created_at desc, r.id desc`;

/** The public list's rows in one query (events with a showtime to come, their showtimes and types). */
const EVENT_ROWS_SQL = `
  select e.id, e.code, e.title, e.poster_url, e.venue, e.description, e.timezone, e.organizer_id,
         s.id as showtime_id, s.starts_at, t.id as ticket_type_id, t.name, t.price, t.quota, t.sold, t.held
    from ticket_events e
    join ticket_showtimes s on s.event_id = e.id
    join ticket_types t on t.showtime_id = s.id
   where s.starts_at > now()
   order by s.starts_at, e.title, t.position`;

// ------------------------------------------------------------------ the server child process

async function child() {
  const backend = strFlag('backend') as Backend;
  const rows = numFlag('rows', 20);
  const eventCount = numFlag('events', 20);
  setTimeout(() => process.exit(3), 30 * 60_000).unref();
  const t = await startApp(backend);
  const { y } = t;
  const organizer = await y.auth.addUser({
    email: `org-${Date.now()}@bench.yeyak`,
    password: 'password-123',
    role: 'organizer',
  });
  const typeIds: string[] = [];
  for (let i = 0; i < eventCount; i++) {
    const ev = await y.tickets.createEvent(organizer, {
      code: `RD${i}${Date.now().toString(36).toUpperCase()}`,
      title: `읽기 벤치 공연 ${i + 1}`,
      venue: '벤치홀',
      showtimes: [
        {
          startsAt: new Date(inHours(24 + i)),
          ticketTypes: [
            { name: 'R석', price: 55_000, quota: 1000 },
            { name: 'S석', price: 33_000, quota: 1000 },
          ],
        },
      ],
    });
    typeIds.push(ev.showtimes[0].ticketTypes[0].id);
  }
  const login = async (email: string) => {
    await y.auth.addUser({ email, password: 'password-123', role: 'user' });
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'password-123' }),
    });
    const body = (await res.json()) as { data: { token: string; user: { id: string } } };
    return body.data;
  };
  const busy = await login(`busy-${Date.now()}@bench.yeyak`);
  const idle = await login(`idle-${Date.now()}@bench.yeyak`);
  const busyUser = await y.auth.userForToken(busy.token);
  if (!busyUser) throw new Error('the logged-in user is not found by its token');
  for (let i = 0; i < rows; i++)
    await y.tickets.reserve(busyUser, { ticketTypeId: typeIds[i % typeIds.length], quantity: 1 });

  const db = y.ctx.database;
  const f = Fastify({ logger: false });
  f.get('/hello', async () => ({ hello: 'world' }));
  f.get<{ Querystring: { user: string } }>('/rows', async (req, reply) => {
    const r = await db.raw(ROWS_SQL, [req.query.user]);
    return r.rows.length
      ? reply.send({ code: 200, description: '성공', data: r.rows })
      : reply.code(202).send({ code: 202, description: '예약 정보가 없습니다.' });
  });
  // The same, with the statement prepared once per connection (as yeyak's list read is).
  f.get<{ Querystring: { user: string } }>('/rows-prepared', async (req, reply) => {
    const r = await db.raw(ROWS_SQL, [req.query.user], 'bench_rows');
    return r.rows.length
      ? reply.send({ code: 200, description: '성공', data: r.rows })
      : reply.code(202).send({ code: 202, description: '예약 정보가 없습니다.' });
  });
  f.get('/event-rows', async () => ({ events: (await db.raw(EVENT_ROWS_SQL)).rows }));
  await f.listen({ port: 0, host: '127.0.0.1' });
  const ceiling = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;

  const targets: Target[] = [
    { name: 'lists', path: '/reservation/lists', token: busy.token },
    { name: 'rows', path: `/rows?user=${busy.user.id}`, ceilingOf: 'lists' },
    { name: 'rows-prepared', path: `/rows-prepared?user=${busy.user.id}` },
    { name: 'none', path: '/reservation/lists', token: idle.token },
    { name: 'me', path: '/api/auth/me', token: idle.token, ceilingOf: 'none' },
    { name: 'events', path: '/api/events' },
    { name: 'event-rows', path: '/event-rows', ceilingOf: 'events' },
    { name: 'hello', path: '/hello' },
  ];
  const stop = async () => {
    await f.close();
    await t.stop();
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  // --cpu-prof: the V8 profiler runs only while one target is measured (not during set-up).
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (err, res) => (err ? reject(err) : resolve(res))),
    );
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') void stop();
    else if (m.type === 'prof-start')
      void post('Profiler.enable')
        .then(() => post('Profiler.start'))
        .then(() => process.send?.({ type: 'prof-started' }));
    else if (m.type === 'prof-stop')
      void post('Profiler.stop').then((res) => {
        const file = join(tmpdir(), `yeyak-read-${process.pid}-${Date.now()}.cpuprofile`);
        writeFileSync(file, JSON.stringify((res as { profile: unknown }).profile));
        process.send?.({ type: 'prof-file', file });
      });
  });
  process.send?.({ type: 'ready', yeyak: t.url, ceiling, targets } satisfies Ready);
}

// ------------------------------------------------------------------ the load generator (parent)

export type ReadResult = {
  backend: Backend;
  name: string;
  server: 'yeyak' | 'Fastify';
  path: string;
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  errors: number;
};

const LABELS: Record<string, string> = {
  lists: 'yeyak GET /reservation/lists (20 rows)',
  rows: 'Fastify, same rows (raw query → reply)',
  'rows-prepared': 'Fastify, same rows (prepared statement)',
  none: 'yeyak GET /reservation/lists (0 rows)',
  me: 'yeyak GET /api/auth/me (token check only)',
  events: 'yeyak GET /api/events',
  'event-rows': 'Fastify, the events rows (one raw query → reply)',
  hello: 'Fastify hello',
};

async function load(base: string, target: Target, connections: number, seconds: number) {
  const result = await autocannon({
    url: `${base}${target.path}`,
    connections,
    duration: seconds,
    headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
  });
  // autocannon stops at its deadline with requests in flight: let them finish.
  await sleep(300);
  return result;
}

/** Top frames of a .cpuprofile by self time. */
export function topFrames(file: string, n = 20): { fn: string; where: string; selfPct: number }[] {
  type Node = {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  };
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  for (const id of prof.samples) {
    const node = byId.get(id);
    if (!node) continue;
    const c = node.callFrame;
    const where = c.url
      ? `${c.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/')}:${c.lineNumber + 1}`
      : '';
    const key = `${c.functionName || '(anonymous)'}\t${where}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    total++;
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => {
      const [fn, where] = k.split('\t');
      return { fn, where, selfPct: (100 * v) / total };
    });
}

type Profiled = { backend: Backend; name: string; frames: ReturnType<typeof topFrames> };

async function runBackend(backend: Backend, only: string[] | undefined, profiles?: Profiled[]) {
  const connections = numFlag('connections', 32);
  const seconds = numFlag('seconds', 4);
  const rounds = numFlag('rounds', 3);
  const args = ['--child', `--backend=${backend}`, `--rows=${numFlag('rows', 20)}`];
  args.push(`--events=${numFlag('events', 20)}`);
  const proc: ChildProcess = fork(fileURLToPath(import.meta.url), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const next = <T>(what: string) =>
    withTimeout(
      new Promise<T>((resolve, reject) => {
        proc.once('message', (m: T) => resolve(m));
        exited.then((code) => reject(new Error(`server child exited (${code})`)));
      }),
      300_000,
      what,
    );
  const ready = await next<Ready>('server child start');
  const out: ReadResult[] = [];
  try {
    const chosen = ready.targets.filter((t) => !only || only.includes(t.name));
    const sums = new Map<string, ReadResult>();
    const p99s = new Map<string, number[]>();
    const p50s = new Map<string, number[]>();
    // The machine is shared and its load swings: the targets take turns in short rounds, so each
    // ratio compares figures taken under the same load.
    for (let round = 0; round < rounds; round++) {
      for (const target of chosen) {
        const isYeyak = ['lists', 'none', 'me', 'events'].includes(target.name);
        const base = isYeyak ? ready.yeyak : ready.ceiling;
        console.log(`… ${backend}, round ${round + 1}/${rounds}: ${LABELS[target.name]}`);
        // A short warm-up (JIT, pool connections, caches) in the first round.
        if (round === 0) await load(base, target, connections, 1);
        const profile = profiles && isYeyak && round === 0;
        if (profile) {
          proc.send({ type: 'prof-start' });
          await next('profiler start');
        }
        const r = await load(base, target, connections, seconds);
        if (profile) {
          proc.send({ type: 'prof-stop' });
          const { file } = await next<{ file: string }>('profile');
          profiles.push({ backend, name: target.name, frames: topFrames(file) });
          rmSync(file, { force: true });
        }
        const sum = sums.get(target.name) ?? {
          backend,
          name: target.name,
          server: isYeyak ? 'yeyak' : 'Fastify',
          path: target.path,
          perSecond: 0,
          p50: 0,
          p99: 0,
          ok: 0,
          bad: 0,
          errors: 0,
        };
        sum.perSecond += r.requests.average / rounds;
        sum.ok += r['2xx'];
        sum.bad += r.non2xx;
        sum.errors += r.errors + r.timeouts;
        sums.set(target.name, sum);
        p99s.set(target.name, [...(p99s.get(target.name) ?? []), r.latency.p99]);
        p50s.set(target.name, [...(p50s.get(target.name) ?? []), r.latency.p50]);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const [name, sum] of sums) {
      sum.p99 = median(p99s.get(name) ?? []);
      sum.p50 = median(p50s.get(name) ?? []);
      out.push(sum);
    }
  } finally {
    proc.send({ type: 'stop' });
    const code = await withTimeout(exited, 60_000, 'server child stop').catch(() => {
      proc.kill('SIGKILL');
      return null;
    });
    if (code !== 0) console.log(`server child exited with ${code}`);
  }
  return out;
}

export async function runRead(): Promise<boolean> {
  header('reads under load: yeyak beside Fastify with the same rows and Fastify hello');
  const only = strFlag('only')?.split(',');
  const prof = boolFlag('cpu-prof');
  console.log(
    `${numFlag('connections', 32)} connections; ${numFlag('rounds', 3)} rounds in turn of ${numFlag('seconds', 4)} s ` +
      'per target (req/s: mean of the rounds; p50/p99: median of the rounds); ' +
      'autocannon in this process, the servers in a child process',
  );
  const results: ReadResult[] = [];
  const profiles: Profiled[] = [];
  for (const backend of selectedBackends())
    results.push(...(await runBackend(backend, only, prof ? profiles : undefined)));
  const find = (b: Backend, name: string) => results.find((r) => r.backend === b && r.name === name);
  console.log();
  console.log(
    table(
      ['backend', 'what', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'other', 'errors', 'ratio'],
      results.map((r) => {
        // A yeyak row's ratio is against the ceiling of the same work; hello against lists.
        const ceiling = results.find((c) => c.backend === r.backend && c.path !== r.path && ceilingFor(c, r));
        return [
          r.backend,
          LABELS[r.name],
          fmt(r.perSecond),
          fmt(r.p50),
          fmt(r.p99),
          r.ok,
          r.bad,
          r.errors,
          ceiling ? `${fmt((100 * r.perSecond) / ceiling.perSecond, 1)} %` : '',
        ];
      }),
    ),
  );
  console.log(
    '\nratio: yeyak ÷ its ceiling in this run (lists → Fastify with the same rows, 0 rows → /api/auth/me, ' +
      'events → Fastify with the events rows).',
  );
  for (const b of new Set(results.map((r) => r.backend))) {
    const lists = find(b, 'lists');
    const hello = find(b, 'hello');
    const prepared = find(b, 'rows-prepared');
    if (lists && prepared)
      console.log(
        `${b}: lists ÷ Fastify with the rows from a prepared statement = ${fmt((100 * lists.perSecond) / prepared.perSecond, 1)} %`,
      );
    if (lists && hello)
      console.log(`${b}: lists ÷ Fastify hello = ${fmt((100 * lists.perSecond) / hello.perSecond, 1)} %`);
  }
  for (const p of profiles) {
    console.log(
      `\ncpu profile of the ${p.backend} server while ${LABELS[p.name]} ran, top frames by self time:`,
    );
    console.log(
      table(
        ['self %', 'function', 'where'],
        p.frames.map((f) => [fmt(f.selfPct, 1), f.fn, f.where]),
      ),
    );
  }
  // Every request of the measured runs answered as expected (200, or 202 for the empty list).
  const ok = results.every((r) => r.errors === 0 && r.bad === 0 && r.ok > 0);
  console.log(ok ? '\nOK: no errors, no unexpected statuses.' : '\nFAIL: errors or unexpected statuses.');
  return ok;
}

function ceilingFor(ceiling: ReadResult, r: ReadResult): boolean {
  const pairs: Record<string, string> = { lists: 'rows', none: 'me', events: 'event-rows' };
  return pairs[r.name] === ceiling.name;
}

if (process.argv.includes('--child')) {
  await child();
} else if (isMain(import.meta.url)) {
  process.exitCode = (await runRead()) ? 0 : 1;
}
