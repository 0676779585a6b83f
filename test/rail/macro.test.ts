/**
 * Korail's `MACRO ERROR` at login is Korail refusing logins that do not come from its app, not a
 * block of this server's address: the user is told so plainly, the account is marked, that
 * account's watches end, and nothing else stops or pauses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { railMessage } from '../../web/src/pages/rail/messages.ts';
import { backends, login } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser, searchTrains, watchTrain, watchWhen } from './app.ts';
import { dayAhead, MEMBER } from './setup.ts';

const OTHER = { id: '2345678901', password: 'sim-password-2' };

describe.each(backends)('Korail refusing non-app logins on %s', (backend) => {
  let env: RailTestEnv;
  beforeAll(async () => {
    env = await railApp(backend);
  });
  afterAll(() => env.stop());

  it('says so plainly, ends only that account’s watches, and pauses nothing', async () => {
    // Two users with Korail accounts saved while Korail still took the login.
    const a = await railUser(env);
    const b = await login(env.t);
    expect((await a.api.put('/api/rail/accounts/korail', MEMBER)).status).toBe(200);
    expect((await b.api.put('/api/rail/accounts/korail', OTHER)).status).toBe(200);
    const date = dayAhead(env.s, 6);
    const trains = await searchTrains(a.api, {
      provider: 'korail',
      from: '서울',
      to: '부산',
      date,
      time: '12:00',
    });
    const [ta, tb] = trains.filter((t) => t.general !== 'absent');
    for (const t of [ta, tb]) env.s.seedSoldOut('korail', date, Number(t.trainNo));
    const korail = { provider: 'korail', from: '서울', to: '부산', date };
    const wa = await watchTrain<{ watch: { id: string } }>(a.api, { ...korail, trainNo: ta.trainNo });
    const wb = await watchTrain<{ watch: { id: string } }>(b.api, { ...korail, trainNo: tb.trainNo });
    expect([wa.status, wb.status]).toEqual([201, 201]);
    const ida = wa.body.data?.watch.id as string;
    const idb = wb.body.data?.watch.id as string;
    await watchWhen(a.api, ida, (w) => w.attempts >= 1);

    // Korail now refuses tokenless logins. A new account cannot be saved, and the user reads why.
    env.s.setKorailMacroCheck(true);
    const c = await login(env.t);
    const refused = await c.api.put('/api/rail/accounts/korail', MEMBER);
    expect(refused.status).toBe(502);
    expect(refused.body.description).toMatch(
      /^Korail refuses this login: it accepts logins from its own app only/,
    );
    expect(railMessage(refused.body.description, 'ko')).toMatch(/^코레일이 이 로그인을 거부했습니다/);

    // A's seat comes back after the sessions ran out: A's hold has to log in again, Korail refuses,
    // A's watch ends saying why.
    env.s.expireSessions();
    env.s.releaseSeats('korail', date, Number(ta.trainNo), 'general', 1);
    const ended = await watchWhen(a.api, ida, (w) => w.status === 'failed', 20_000);
    expect(ended.failReason).toMatch(/^Korail refuses this login/);
    const accounts = await a.api.get<{ accounts: { provider: string; status: string; lastError: string }[] }>(
      '/api/rail/accounts',
    );
    const acc = accounts.body.data?.accounts.find((x) => x.provider === 'korail');
    expect(acc?.status).toBe('blocked');
    expect(acc?.lastError).toMatch(/MACRO ERROR/);

    // Not a block: Korail is not paused, and B's watch goes on polling.
    const providers = await a.api.get<{ providers: { name: string; pausedUntil: string | null }[] }>(
      '/api/rail/providers',
    );
    expect(providers.body.data?.providers.find((p) => p.name === 'korail')?.pausedUntil).toBeNull();
    const before = (await watchWhen(b.api, idb, () => true)).attempts;
    const later = await watchWhen(b.api, idb, (w) => w.attempts > before + 1, 20_000);
    expect(later.status).toBe('trying');
  });
});
