import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db.ts';
import { emit, once } from '../../src/platform/events/outbox.ts';
import { defineModule } from '../../src/platform/module.ts';
import { backends, eventually, freshPostgres, startApp } from '../helpers.ts';

/**
 * Graceful shutdown: a request in flight gets its whole answer; an event delivery still running when
 * the wait ends is handed back (released) at once instead of holding its lease for 15 s.
 */

const started: string[] = [];
let slowRequests = 0;

declare module '../../src/platform/module.ts' {
  interface ModuleApis {
    slow: Record<string, never>;
  }
}

const slow = defineModule({
  name: 'slow',
  create(ctx) {
    return {
      api: {},
      consumers: [
        {
          name: 'slow-consumer',
          topics: ['slow.work'],
          // Like every consumer with side effects: once per event, under a claim.
          handle: (event) =>
            once(ctx.database, 'slow-consumer', event.id, async () => {
              started.push(event.id);
              await new Promise<void>(() => {});
            }).then(() => undefined),
        },
      ],
      routes(app) {
        app.get('/api/slow', async () => {
          slowRequests += 1;
          await new Promise((r) => setTimeout(r, 800));
          return { done: true };
        });
      },
    };
  },
});

const cleanups: (() => Promise<void>)[] = [];
// The delivery handed back is never let go: finishing after shutdown would reach the stopped job
// queue (in production the process has exited by then).
afterAll(async () => {
  for (const c of cleanups) await c();
});

for (const backend of backends) {
  describe(`graceful shutdown on ${backend}`, () => {
    it('answers a request in flight in full, then stops taking requests', async () => {
      const t = await startApp(backend, {}, { modules: [slow] });
      cleanups.push(() => t.stop().catch(() => {}));
      const before = slowRequests;
      const answer = fetch(`${t.url}/api/slow`).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
      // Stop only once the server is working on it.
      await eventually(async () => slowRequests > before, 30_000);
      const stopping = t.y.stop();
      expect(await answer).toEqual({ status: 200, body: { done: true } });
      await stopping;
      await expect(fetch(`${t.url}/api/slow`)).rejects.toThrow();
    });

    it('hands back a delivery still running when the wait ends', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'yeyak-shutdown-'));
      const pgdb = backend === 'postgres' ? await freshPostgres() : undefined;
      cleanups.push(async () => {
        await pgdb?.drop();
        rmSync(dir, { recursive: true, force: true });
      });
      const where = pgdb ? { databaseUrl: pgdb.url } : { dataDir: dir };
      const t = await startApp(backend, where, { modules: [slow], drainMs: 300 });
      cleanups.push(() => t.stop().catch(() => {}));
      const eventId = await t.y.ctx.tx((tx) => emit(tx, 'slow.work', {}));
      await eventually(async () => started.includes(eventId), 30_000);
      await t.y.stop();

      const db = await openDatabase({ databaseUrl: pgdb?.url, dataDir: dir });
      try {
        const rows = await db.raw(
          'select status, last_error from event_deliveries where consumer = $1 and event_id = $2',
          ['slow-consumer', eventId],
        );
        expect(rows.rows).toEqual([{ status: 'failed', last_error: 'handed back at shutdown' }]);
      } finally {
        await db.close();
      }
    });
  });
}
