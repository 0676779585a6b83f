/**
 * Counselor search (`GET /api/consult/counselors`) over 2,000 counselors: the list as the page asks
 * for it (no filter; a category and online; a name search), p50/p99 over many requests, beside the
 * same database answering the same query (the page and its count) as raw SQL in the same run — the
 * ceiling without HTTP, validation and JSON. Counselors, their accounts, categories, services, line
 * status, ratings and search weights are made in SQL with generate_series; a tenth are hidden,
 * suspended, unlinked or gone, as on a real line.
 *
 *   node --import tsx bench/consult-search.ts [--counselors=2000] [--searches=200] [--backends=pglite,postgres]
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLogger, createYeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { consult } from '../src/modules/consult/index.ts';
import { type Backend, freshPostgres } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, percentile, selectedBackends, table } from './lib.ts';

/** The same filter, order and page discovery.ts builds, written out as SQL. */
const RAW = (where: string) => `
  with page as (
    select id, name, grade, rate_per_30s, line_status, image_file_id, intro, categories, services,
           like_count, review_count, rating_sum
    from consult_counselors
    where state = 'active' and user_id is not null and gone_at is null ${where}
    order by search_weight desc,
             case line_status when 'online' then 0 when 'busy' then 1 else 2 end,
             rating_sum::float8 / nullif(review_count, 0) desc nulls last,
             review_count desc, name, id
    limit 20)
  select (select count(*) from consult_counselors
          where state = 'active' and user_id is not null and gone_at is null ${where}) as total, page.*
  from page`;

const CASES = [
  { name: 'first page, no filter', query: '', where: '', params: [] as string[] },
  {
    name: 'category 타로, online',
    query: `category=${encodeURIComponent('타로')}&online=true`,
    where: `and categories @> $1::jsonb and line_status = 'online'`,
    params: ['["타로"]'],
  },
  {
    name: 'name search "상담 12"',
    query: `q=${encodeURIComponent('상담 12')}`,
    where: `and name ilike $1`,
    params: ['%상담 12%'],
  },
];

async function run(backend: Backend, counselors: number, searches: number) {
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
  const y = await createYeyak(config, { workers: false, logger: createLogger('warn'), modules: [consult] });
  await y.start();
  const out: (string | number)[][] = [];
  try {
    const db = y.ctx.database;
    await db.raw(
      `insert into users (email, name, password_hash, role, verified_at)
       select 'counselor' || g || '@bench.yeyak', '상담사 ' || g, 'none', 'counselor', now()
       from generate_series(1, $1) g`,
      [counselors],
    );
    await db.raw(
      `insert into consult_counselors (code, name, grade, rate_per_30s, line_status, user_id, state,
         search_weight, categories, services, intro, like_count, review_count, rating_sum, gone_at)
       select 'B' || g, '상담 ' || g, (array['', 'GOLD', 'VIP'])[1 + g % 3], 500 + (g % 20) * 50,
              (array['online', 'offline', 'offline', 'busy', 'offline'])[1 + g % 5]::text,
              case when g % 37 = 0 then null else u.id end,
              case when g % 41 = 0 then 'hidden' when g % 43 = 0 then 'suspended' else 'active' end,
              case when g % 100 = 0 then 10 else 0 end,
              jsonb_build_array((array['사주','타로','신점','궁합','작명','풍수'])[1 + g % 6],
                                (array['사주','타로','신점','궁합','작명','풍수'])[1 + (g / 6) % 6]),
              (array['["phone","chat"]','["chat"]','["phone","visit"]','["phone","chat","cafe"]'])[1 + g % 4]::jsonb,
              '상담사 ' || g || '의 소개입니다', g % 50, g % 30, (g % 30) * (1 + g % 5),
              case when g % 47 = 0 then now() else null end
       from generate_series(1, $1) g
       join users u on u.email = 'counselor' || g || '@bench.yeyak'`,
      [counselors],
    );
    await db.raw('analyze consult_counselors');
    const app = y.app;
    if (!app) throw new Error('no HTTP');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const timed = async (fn: () => Promise<number>) => {
      const ms: number[] = [];
      let found = 0;
      for (let i = 0; i < 10; i++) await fn(); // warm-up
      for (let i = 0; i < searches; i++) {
        const s = performance.now();
        found = await fn();
        ms.push(performance.now() - s);
      }
      ms.sort((a, b) => a - b);
      return { found, p50: percentile(ms, 50), p99: percentile(ms, 99) };
    };
    for (const c of CASES) {
      // Same rows in the same order, or the ceiling is not a ceiling of this query.
      const first = (await (await fetch(`${url}/api/consult/counselors?${c.query}`)).json()) as {
        data: { counselors: { id: string }[] };
      };
      const sqlIds = (await db.raw(RAW(c.where), c.params)).rows.map((r) => (r as { id: string }).id);
      if (JSON.stringify(first.data.counselors.map((x) => x.id)) !== JSON.stringify(sqlIds))
        throw new Error(`${c.name}: yeyak and SQL list different counselors`);
      const api = await timed(async () => {
        const res = await fetch(`${url}/api/consult/counselors?${c.query}`);
        if (res.status !== 200) throw new Error(`${c.name}: HTTP ${res.status}`);
        return ((await res.json()) as { data: { total: number } }).data.total;
      });
      const raw = await timed(async () => {
        const { rows } = await db.raw(RAW(c.where), c.params);
        return Number((rows[0] as { total?: number } | undefined)?.total ?? 0);
      });
      if (api.found !== raw.found) throw new Error(`${c.name}: yeyak found ${api.found}, SQL ${raw.found}`);
      out.push([
        backend,
        c.name,
        'yeyak GET /api/consult/counselors',
        api.found,
        fmt(api.p50, 2),
        fmt(api.p99, 2),
      ]);
      out.push([
        backend,
        c.name,
        'ceiling: raw SQL (page + count)',
        raw.found,
        fmt(raw.p50, 2),
        fmt(raw.p99, 2),
      ]);
    }
  } finally {
    await y.stop();
    await drop();
  }
  return out;
}

export async function runConsultSearch(): Promise<boolean> {
  const counselors = numFlag('counselors', 2000);
  const searches = numFlag('searches', 200);
  header(`consult: counselor search over ${fmt(counselors)} counselors`);
  const all: (string | number)[][] = [];
  for (const b of selectedBackends()) all.push(...(await run(b, counselors, searches)));
  console.log(table(['backend', 'search', 'what', 'total found', 'p50 ms', 'p99 ms'], all));
  return all.length > 0;
}

if (isMain(import.meta.url)) process.exitCode = (await runConsultSearch()) ? 0 : 1;
