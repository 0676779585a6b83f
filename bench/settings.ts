/**
 * Runtime settings: how long after an admin saves a change another yeyak instance on the same
 * PostgreSQL database uses it (two instances in this process, each with its own connection pool
 * and reload timer, as two servers would be), beside the database's own floor for telling another
 * connection something: a LISTEN/NOTIFY round trip between two connections, measured in the same run.
 * PGlite holds one process, so there is no other instance to measure there.
 *
 *   DATABASE_URL=postgres://… node --import tsx bench/settings.ts [--changes=20]
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createLogger, createYeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { tickets } from '../src/modules/tickets/index.ts';
import { holdMinutes } from '../src/modules/tickets/settings.ts';
import { freshPostgres } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, percentile, sleep, table } from './lib.ts';

async function notifyRoundTrips(url: string, n: number): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await listener.connect();
  await sender.connect();
  await listener.query('listen bench_settings');
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const arrived = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
    const t0 = performance.now();
    await sender.query(`notify bench_settings, '${i}'`);
    await arrived;
    times.push(performance.now() - t0);
  }
  await listener.end();
  await sender.end();
  return times;
}

export async function runSettings(): Promise<boolean> {
  header('runtime settings: time until another instance uses a change');
  if (!process.env.DATABASE_URL) {
    console.log('skipped: needs DATABASE_URL (the embedded database holds one process)');
    return true;
  }
  const changes = numFlag('changes', 20);
  const db = await freshPostgres();
  const config = {
    ...loadConfig({ YEYAK_DEMO: '0', LOG_LEVEL: 'warn' }),
    databaseUrl: db.url,
    dataDir: 'memory://',
  };
  const start = async () => {
    const y = await createYeyak(config, {
      http: false,
      workers: false,
      logger: createLogger('warn'),
      modules: [tickets],
    });
    await y.start();
    return y;
  };
  const a = await start();
  const b = await start();
  try {
    const seen: number[] = [];
    for (let i = 0; i < changes; i++) {
      const value = 21 + i;
      // Saves land at random points of the other instance's reload cycle, as an admin's would.
      await sleep(Math.random() * 500);
      const t0 = performance.now();
      await a.ctx.settings.update(null, { values: { 'tickets.holdMinutes': value } });
      while (b.ctx.settings.get(holdMinutes) !== value) await sleep(5);
      seen.push(performance.now() - t0);
    }
    const floor = await notifyRoundTrips(db.url, changes);
    const row = (name: string, xs: number[]) => {
      const s = [...xs].sort((x, y) => x - y);
      return [
        name,
        xs.length,
        fmt(s[0] ?? 0, 1),
        fmt(percentile(s, 50), 1),
        fmt(percentile(s, 99), 1),
        fmt(s.at(-1) ?? 0, 1),
      ];
    };
    console.log(
      table(
        ['what', 'n', 'min ms', 'median ms', 'p99 ms', 'max ms'],
        [
          row('yeyak: save → other instance uses it (reload every 2 s)', seen),
          row('ceiling: LISTEN/NOTIFY round trip', floor),
        ],
      ),
    );
    const worst = Math.max(...seen);
    console.log(`\nworst ${fmt(worst)} ms; the promise is 5,000 ms: ${worst < 5_000 ? 'kept' : 'BROKEN'}`);
    return worst < 5_000;
  } finally {
    await b.stop();
    await a.stop();
    await db.drop();
  }
}

if (isMain(import.meta.url)) process.exitCode = (await runSettings()) ? 0 : 1;
