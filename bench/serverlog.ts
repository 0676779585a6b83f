/**
 * The server log's word search: `GET /api/admin/log?q=<word>` over 1,000,000 rows (newest 50 that
 * contain the word), beside the same database answering the same query as raw SQL in the same run
 * (the ceiling: no HTTP, no auth, no JSON). Rows are made in SQL with generate_series; one word in
 * a thousand is rare ("refused"), the others common, so both a selective and a broad search are timed.
 *
 *   node --import tsx bench/serverlog.ts [--rows=1000000] [--searches=30] [--backends=pglite,postgres]
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLogger, createYeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type Backend, freshPostgres } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, percentile, selectedBackends, table } from './lib.ts';

const WORDS = ['refused', 'timeout'] as const;

async function run(backend: Backend, rows: number, searches: number) {
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
  const y = await createYeyak(config, { workers: false, logger: createLogger('warn'), modules: [] });
  await y.start();
  const out: (string | number)[][] = [];
  try {
    const t0 = performance.now();
    await y.ctx.database.raw(
      `insert into server_log (at, level, source, message)
       select now() - make_interval(secs => g), case when g % 10 = 0 then 'error' else 'info' end,
              (array['http','jobs','events','admin'])[1 + g % 4],
              case when g % 1000 = 0 then 'signature refused for request ' || g
                   else 'job send-mail ' || g || ' timeout after ' || (g % 30) || ' s' end
       from generate_series(1, $1) g`,
      [rows],
    );
    const loadS = (performance.now() - t0) / 1000;
    await y.ctx.database.raw('analyze server_log');
    const app = y.app;
    if (!app) throw new Error('no HTTP');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await y.auth.addUser({ email: 'admin@bench.yeyak', password: 'password-123', role: 'admin' });
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@bench.yeyak', password: 'password-123' }),
    });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    for (const word of WORDS) {
      const timed = async (fn: () => Promise<number>) => {
        const ms: number[] = [];
        let found = 0;
        for (let i = 0; i < searches; i++) {
          const s = performance.now();
          found = await fn();
          ms.push(performance.now() - s);
        }
        ms.sort((a, b) => a - b);
        return { found, p50: percentile(ms, 50), p99: percentile(ms, 99) };
      };
      const api = await timed(async () => {
        const res = await fetch(`${url}/api/admin/log?q=${word}&limit=50`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return ((await res.json()) as { data: { rows: unknown[] } }).data.rows.length;
      });
      const raw = await timed(
        async () =>
          (
            await y.ctx.database.raw(
              `select id, at, level, source, message, data from server_log
               where search @@ plainto_tsquery('simple', $1) order by id desc limit 50`,
              [word],
            )
          ).rows.length,
      );
      out.push([
        backend,
        `"${word}"`,
        'yeyak GET /api/admin/log',
        api.found,
        fmt(api.p50, 1),
        fmt(api.p99, 1),
      ]);
      out.push([backend, `"${word}"`, 'ceiling: raw SQL', raw.found, fmt(raw.p50, 1), fmt(raw.p99, 1)]);
    }
    console.log(`${backend}: ${fmt(rows)} rows written in ${fmt(loadS, 1)} s`);
  } finally {
    await y.stop();
    await drop();
  }
  return out;
}

export async function runServerLog(): Promise<boolean> {
  header('server log: word search over many rows');
  const rows = numFlag('rows', 1_000_000);
  const searches = numFlag('searches', 30);
  const all: (string | number)[][] = [];
  for (const b of selectedBackends()) all.push(...(await run(b, rows, searches)));
  console.log(table(['backend', 'words', 'what', 'rows answered', 'p50 ms', 'p99 ms'], all));
  return all.length > 0;
}

if (isMain(import.meta.url)) process.exitCode = (await runServerLog()) ? 0 : 1;
