import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKktixSim } from '../../sims/kktix/index.ts';
import { login, startApp, type TestApp } from '../helpers.ts';

type View = {
  id: string;
  settings: { kktixCheck?: { state: string; message?: string } };
  sync: { lastOkAt: string | null };
};

/** Setting up a KKTIX connection while KKTIX is out of reach, then testing it once it is back. */
describe('saving a KKTIX connection that cannot be tested now', () => {
  let t: TestApp;
  let kktix: Awaited<ReturnType<typeof startKktixSim>>;
  let port: number;

  beforeAll(async () => {
    kktix = await startKktixSim({ seed: 3, events: [{ id: 9001, name: 'Later', attendees: 3 }] });
    port = Number(new URL(kktix.url).port);
    t = await startApp('pglite', {
      secret: 'setup-test-secret-0123456789abcdefghijklmn',
      registrationKktixIntervalMs: 0,
    });
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await kktix?.close();
  });

  it('saves it "not tested", and "test now" marks it tested once KKTIX answers', async () => {
    const org = await login(t, 'organizer');
    const token = kktix.token();
    const base = kktix.url;
    await kktix.close();
    const body = {
      slug: 'later',
      name: 'Later',
      source: 'kktix',
      kktix: { baseUrl: base, eventId: '9001', token },
    };
    const made = await org.api.post<{ event: View }>('/api/registration/events', body);
    expect(made.status).toBe(201);
    const ev = made.body.data!.event;
    expect(ev.settings.kktixCheck).toMatchObject({ state: 'untested' });
    expect(JSON.stringify(made.body)).not.toContain(token);

    const still = await org.api.post<{ event: View }>(`/api/registration/events/${ev.id}/test`);
    expect(still.status).toBe(200);
    expect(still.body.data!.event.settings.kktixCheck?.state).toBe('untested');

    kktix = await startKktixSim({ seed: 3, port, events: [{ id: 9001, name: 'Later', attendees: 3 }] });
    const ok = await org.api.post<{ event: View }>(`/api/registration/events/${ev.id}/test`);
    expect(ok.status).toBe(200);
    expect(ok.body.description).toBe('KKTIX answered');
    expect(ok.body.data!.event.settings.kktixCheck?.state).toBe('ok');

    // Saving other settings keeps the outcome; a refused token is still refused at once.
    const put = await org.api.put<{ event: View }>(`/api/registration/events/${ev.id}`, {
      ...body,
      name: 'Later, renamed',
      kktix: { baseUrl: base, eventId: '9001' },
    });
    expect(put.status).toBe(200);
    expect(put.body.data!.event.settings.kktixCheck?.state).toBe('ok');
    const wrong = await org.api.post('/api/registration/events', {
      ...body,
      slug: 'wrong',
      kktix: { ...body.kktix, token: 'wrong-token-123' },
    });
    expect(wrong.status).toBe(422);
    // The refusal names the token field and carries its code, so the page says it in Korean too.
    expect(wrong.body).toMatchObject({
      key: 'registration.kktix_token',
      data: { errors: [{ path: 'body.kktix.token', key: 'registration.kktix_token' }] },
    });
    const other = await login(t, 'organizer');
    expect((await other.api.post(`/api/registration/events/${ev.id}/test`)).status).toBe(404);
  }, 60_000);
});
