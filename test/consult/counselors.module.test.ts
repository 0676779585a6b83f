import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Yeyak } from '../../src/app.ts';
import { selectRows } from '../../src/platform/db.ts';
import { harness } from '../harness.ts';
import { backends, freshPostgres } from '../helpers.ts';

/** Counselors from the 060 list: sync adds, updates and marks gone; linking makes the account a counselor. */
for (const backend of backends) {
  describe(`consult counselors on ${backend}`, () => {
    let y: Yeyak;
    let stop: () => Promise<void>;
    let drop = async () => {};
    beforeAll(async () => {
      let databaseUrl: string | undefined;
      if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
      ({ y, stop } = await harness(['consult'], { databaseUrl }));
    });
    afterAll(async () => {
      await stop?.();
      await drop();
    });

    it('sync adds new codes, updates known ones without touching the profile, marks missing ones gone', async () => {
      const c = y.consult.counselors;
      const line = { grade: 'GOLD', status: 'online' as const };
      expect(
        await c.applyLines([
          { code: '901', name: '하늘', ratePer30s: 900, ...line },
          { code: '902', name: '바다', ratePer30s: 1000, ...line },
        ]),
      ).toEqual({ added: 2, updated: 0, gone: 0 });
      const [first] = await selectRows<{ id: string }>(
        y.ctx.database.db,
        sql`update consult_counselors set intro = '내 소개' where code = '901' returning id`,
      );
      expect(await c.applyLines([{ code: '901', name: '하늘빛', ratePer30s: 1100, ...line }])).toEqual({
        added: 0,
        updated: 1,
        gone: 1,
      });
      const row = await c.byIdOr404(first?.id as string);
      expect(row).toMatchObject({ name: '하늘빛', ratePer30s: 1100, intro: '내 소개', goneAt: null });
    });

    it('link makes a user a counselor, one counselor per account', async () => {
      const c = y.consult.counselors;
      await c.applyLines([
        { code: '911', name: '가', ratePer30s: 800, grade: '', status: 'offline' },
        { code: '912', name: '나', ratePer30s: 800, grade: '', status: 'offline' },
      ]);
      const user = await y.auth.addUser({
        email: 'link-me@test.yeyak',
        password: 'password-123',
        role: 'user',
      });
      const [a, b] = await selectRows<{ id: string }>(
        y.ctx.database.db,
        sql`select id from consult_counselors where code in ('911', '912') order by code`,
      );
      await c.link(a?.id as string, user.id);
      expect((await y.auth.byId(user.id))?.role).toBe('counselor');
      await expect(c.link(b?.id as string, user.id)).rejects.toMatchObject({ status: 409 });
      expect((await c.byUser(user.id))?.code).toBe('911');
    });
  });
}
