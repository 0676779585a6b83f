/**
 * The chat poll (`GET /api/consult/chat/updates?after=<cursor>`): idle polls per second (the page
 * sends the last ETag, nothing changed: a 304) and polls with news per second (the cursor one message
 * behind, no ETag: a 200 carrying that message, its room and the unread counts), beside a Fastify
 * "hello" route in the same process on the same machine, the ceiling of any route. Users poll in
 * turn (`--users`, each with a room and a few messages); load from autocannon. On PostgreSQL the
 * statements one idle poll sends are counted at the driver (PGlite runs in a worker and is not
 * watched this way).
 *
 *   node --import tsx bench/consult-poll.ts [--users=50] [--connections=20] [--seconds=8] [--backends=pglite,postgres]
 */
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { createLogger, createYeyak, type Yeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { consult } from '../src/modules/consult/index.ts';
import { type Backend, freshPostgres } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, selectedBackends, sleep, table } from './lib.ts';

type S = { users: number; connections: number; seconds: number };
type Poll = { path: string; token: string; etag: string };

/** Requests per second from autocannon, each request from the next of `polls`; non-2xx/304 counted. */
async function load(url: string, polls: Poll[], withEtag: boolean, s: S) {
  let i = 0;
  const result = await autocannon({
    url,
    connections: s.connections,
    duration: s.seconds,
    requests: [
      {
        setupRequest: (req) => {
          const p = polls[i++ % polls.length] as Poll;
          return {
            ...req,
            path: p.path,
            headers: {
              authorization: `Bearer ${p.token}`,
              ...(withEtag ? { 'if-none-match': p.etag } : {}),
            },
          };
        },
      },
    ],
  });
  const wanted = withEtag ? result['1xx'] + result['3xx'] : result['2xx'];
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    wrong: result.requests.total - wanted,
    result,
  };
}

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
  let statements = '-';
  try {
    const raw = y.ctx.database.raw;
    const people = (
      await raw(
        `insert into users (email, name, password_hash, role, verified_at)
         select 'poll' || g || '@bench.yeyak', '손님 ' || g, 'none', 'user', now() from generate_series(1, $1) g
         returning id`,
        [s.users],
      )
    ).rows as { id: string }[];
    const [coun] = (
      await raw(
        `insert into users (email, name, password_hash, role, verified_at)
         values ('counselor@bench.yeyak', '상담사', 'none', 'counselor', now()) returning id`,
      )
    ).rows as { id: string }[];
    await y.consult.counselors.applyLines([
      { code: '902', name: '벤치 상담사', grade: '', ratePer30s: 500, status: 'online' },
    ]);
    const [c] = (await raw(`select id from consult_counselors where code = '902'`)).rows as { id: string }[];
    await y.consult.counselors.link(c?.id as string, coun?.id as string);
    const app = y.app;
    if (!app) throw new Error('no HTTP');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const counselor = await y.auth.createSession(coun?.id as string);

    const idle: Poll[] = [];
    const news: Poll[] = [];
    for (const p of people) {
      const session = await y.auth.createSession(p.id);
      const room = await y.consult.chat.openWithCounselor(session.user, c?.id as string);
      await y.consult.chat.send(session.user, room.id, { text: '안녕하세요, 상담 가능할까요?' });
      const last = await y.consult.chat.send(counselor.user, room.id, { text: '네, 내일 오후 어떠세요?' });
      const get = async (path: string, etag?: string) =>
        fetch(`${url}${path}`, {
          headers: { authorization: `Bearer ${session.token}`, ...(etag ? { 'if-none-match': etag } : {}) },
        });
      const start = (await (await get('/api/consult/chat/updates')).json()) as { data: { cursor: number } };
      const idlePath = `/api/consult/chat/updates?after=${start.data.cursor}`;
      const first = await get(idlePath);
      await first.arrayBuffer();
      idle.push({ path: idlePath, token: session.token, etag: first.headers.get('etag') as string });
      const newsPath = `/api/consult/chat/updates?after=${Number(last.id) - 1}`;
      const withNews = (await (await get(newsPath)).json()) as { data: { messages: unknown[] } };
      if (withNews.data.messages.length !== 1)
        problems.push(`a poll with news answered ${withNews.data.messages.length} messages`);
      news.push({ path: newsPath, token: session.token, etag: '' });
    }
    const check = await fetch(`${url}${idle[0]?.path}`, {
      headers: { authorization: `Bearer ${idle[0]?.token}`, 'if-none-match': idle[0]?.etag as string },
    });
    if (check.status !== 304) problems.push(`an idle poll answered ${check.status}, not 304`);

    if (backend === 'postgres') {
      // The statements one idle poll sends (the token's user is cached for a few seconds, as for a page).
      const seen: string[] = [];
      const original = pg.Pool.prototype.query;
      pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
        const first = args[0] as string | { text?: string };
        const text = typeof first === 'string' ? first : (first?.text ?? '');
        if (!/pgboss|outbox|event_deliveries/i.test(text)) seen.push(text);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof pg.Pool.prototype.query;
      const poll = (p: Poll) =>
        fetch(`${url}${p.path}`, {
          headers: { authorization: `Bearer ${p.token}`, 'if-none-match': p.etag },
        }).then((r) => r.arrayBuffer());
      // Warm: each of the ten polled once just before (a page polls every few seconds).
      for (let i = 0; i < 10; i++) await poll(idle[i % idle.length] as Poll);
      try {
        for (let i = 0; i < 10; i++) {
          await poll(idle[i % idle.length] as Poll);
        }
      } finally {
        pg.Pool.prototype.query = original;
      }
      statements = fmt(seen.length / 10, 1);
      const kinds = new Map<string, number>();
      for (const q of seen) {
        const head = q.replace(/\s+/g, ' ').slice(0, 90);
        kinds.set(head, (kinds.get(head) ?? 0) + 1);
      }
      console.log(`statements of 10 idle polls (${backend}):`);
      for (const [head, n] of kinds) console.log(`  ${n} × ${head}`);
    }

    await load(url, idle, true, { ...s, seconds: 2 }); // warm-up
    const a = await load(url, idle, true, s);
    if (a.wrong) problems.push(`${a.wrong} idle polls were not 304`);
    out.push([backend, 'idle poll (304)', fmt(a.rps), fmt(a.p99), statements]);
    const b = await load(url, news, false, s);
    if (b.wrong) problems.push(`${b.wrong} polls with news were not 200`);
    out.push([backend, 'poll with news (200)', fmt(b.rps), fmt(b.p99), '-']);
    // autocannon stops at its deadline with requests in flight: let them finish before the pool closes.
    await sleep(1000);
  } finally {
    await y.stop();
    await drop();
  }
  return { out, problems };
}

/** The ceiling: Fastify's hello route, in this process, the same load. */
async function hello(s: S) {
  const f = Fastify({ logger: false });
  f.get('/hello', async () => ({ hello: 'world' }));
  await f.listen({ port: 0, host: '127.0.0.1' });
  try {
    const url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    const polls = [{ path: '/hello', token: 'x', etag: '' }];
    await load(url, polls, false, { ...s, seconds: 2 });
    const r = await load(url, polls, false, s);
    return ['-', 'ceiling: Fastify hello', fmt(r.rps), fmt(r.p99), '-'];
  } finally {
    await f.close();
  }
}

export async function runConsultPoll(): Promise<boolean> {
  const s: S = {
    users: numFlag('users', 50),
    connections: numFlag('connections', 20),
    seconds: numFlag('seconds', 8),
  };
  header(
    `consult: chat polls per second (${s.users} users in turn, ${s.connections} connections, ${s.seconds} s)`,
  );
  const all: (string | number)[][] = [];
  const problems: string[] = [];
  for (const b of selectedBackends()) {
    const r = await run(b, s);
    all.push(...r.out);
    problems.push(...r.problems.map((p) => `${b}: ${p}`));
  }
  all.push(await hello(s));
  console.log(table(['backend', 'what', 'per s', 'p99 ms', 'statements per idle poll'], all));
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  return problems.length === 0;
}

if (isMain(import.meta.url)) process.exitCode = (await runConsultPoll()) ? 0 : 1;
