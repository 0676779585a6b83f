import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type TestApp } from '../helpers.ts';

/**
 * What an idle chat poll costs the database: the statements sent while one 304 is answered, read
 * from the PostgreSQL driver (PGlite runs in a worker thread and cannot be watched this way).
 */
describe.skipIf(!process.env.DATABASE_URL)('an idle chat poll on PostgreSQL', () => {
  let t: TestApp;
  const seen: string[] = [];
  let watching = false;
  const original = pg.Pool.prototype.query;

  beforeAll(async () => {
    t = await startApp('postgres');
    // Every statement through the pool while watching, pg-boss's own and the outbox relay's left out.
    pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
      const first = args[0] as string | { text?: string };
      const text = typeof first === 'string' ? first : (first?.text ?? '');
      if (watching && !/pgboss|outbox|event_deliveries|rate_limits/i.test(text)) seen.push(text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pg.Pool.prototype.query;
  }, 120_000);
  afterAll(async () => {
    pg.Pool.prototype.query = original;
    await t?.stop();
  });

  it('is a 304 after one primary-key read of consult_chat_versions', async () => {
    const user = await login(t);
    const first = await user.api.raw('/api/consult/chat/updates');
    const { data } = (await first.json()) as { data: { cursor: number } };
    const path = `/api/consult/chat/updates?after=${data.cursor}`;
    const etag = (await user.api.raw(path)).headers.get('etag') as string;
    // The token's user is cached for a few seconds: this poll is within that time, like a page's are.
    watching = true;
    const idle = await user.api.raw(path, { headers: { 'if-none-match': etag } });
    watching = false;
    expect(idle.status).toBe(304);
    // Only the request's own reads count (another module's background job may query meanwhile).
    const own = seen.filter((q) => /consult_|"users"|"sessions"/.test(q));
    expect(own).toHaveLength(1);
    expect(own[0]).toMatch(/from "consult_chat_versions" where "consult_chat_versions"\."user_id" = \$1/);
  });
});
