import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_PHONE060_KEY, SIM_PHONE060_WEBHOOK_SECRET } from '../../sims/phone060/index.ts';
import { startStandIn } from '../../sims/standins.ts';
import type { Yeyak } from '../../src/app.ts';
import { Phone060 } from '../../src/modules/consult/phone060/index.ts';
import { selectRows } from '../../src/platform/db.ts';
import { harness } from '../harness.ts';
import { backends, freshPostgres } from '../helpers.ts';

/** Auto-online: a counselor using the app is online at 060; ten minutes away, offline; by hand when off. */
for (const backend of backends) {
  describe(`consult auto-online on ${backend}`, () => {
    let y: Yeyak;
    let stop: () => Promise<void>;
    let drop = async () => {};
    let sim: Awaited<ReturnType<typeof startStandIn>>;
    let line: Phone060;
    beforeAll(async () => {
      sim = await startStandIn('phone060');
      line = new Phone060({ url: sim.url, apiKey: SIM_PHONE060_KEY });
      let databaseUrl: string | undefined;
      if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
      ({ y, stop } = await harness(['consult'], {
        databaseUrl,
        consult: {
          phone060: { url: sim.url, apiKey: SIM_PHONE060_KEY, webhookSecret: SIM_PHONE060_WEBHOOK_SECRET },
        },
      }));
    }, 120_000);
    afterAll(async () => {
      await stop?.();
      await drop();
      await sim?.close();
    });

    const statusAt060 = async (code: string) =>
      (await line.listCounselors()).find((c) => c.code === code)?.status;
    const seen = (code: string, minutesAgo: number) =>
      y.ctx.database.db.execute(
        sql`update consult_counselors set last_seen_at = now() - make_interval(mins => ${minutesAgo}) where code = ${code}`,
      );

    it('follows the counselor’s last request, leaves busy and hand-set counselors alone', async () => {
      await y.consult.sync.sync();
      const rows = await selectRows<{ id: string; code: string }>(
        y.ctx.database.db,
        sql`select id, code from consult_counselors where code in ('102', '103', '105') order by code`,
      );
      const id = (code: string) => rows.find((r) => r.code === code)?.id as string;
      for (const [i, code] of ['102', '103', '105'].entries()) {
        const u = await y.auth.addUser({
          email: `auto${i}@test.yeyak`,
          password: 'password-123',
          role: 'user',
        });
        await y.consult.counselors.link(id(code), u.id);
      }
      // 102 used the app a minute ago; 103 eleven minutes ago; 105 set by hand (auto-online off).
      await seen('102', 1);
      await seen('103', 11);
      await y.ctx.database.db.execute(
        sql`update consult_counselors set auto_online = false where code = '105'`,
      );
      expect(await statusAt060('103')).toBe('online');
      await y.consult.sync.autoOnline();
      expect(await statusAt060('102')).toBe('online');
      expect(await statusAt060('103')).toBe('offline');
      expect(await statusAt060('105')).toBe('online');
      // Back in the app: online again at the next run; nothing to change after that (the minute job
      // may run beside these calls, so the statuses are checked, not how many each call changed).
      await seen('103', 0);
      await y.consult.sync.autoOnline();
      expect(await statusAt060('103')).toBe('online');
      expect(await y.consult.sync.autoOnline()).toBe(0);
      // A counselor in a call is not touched, however long ago they used the app.
      await seen('102', 30);
      await y.ctx.database.db.execute(
        sql`update consult_counselors set line_status = 'busy' where code = '102'`,
      );
      expect(await y.consult.sync.autoOnline()).toBe(0);
      expect(await statusAt060('102')).toBe('online');
    });
  });
}
