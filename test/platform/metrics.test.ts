import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, login, startApp, type TestApp } from '../helpers.ts';

const TOKEN = 'scrape-token-0123456789abcdef';

/** GET /metrics: off until an admin sets metrics.token, then Prometheus text for that bearer only. */
for (const backend of backends) {
  describe(`metrics on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend);
    }, 120_000);
    afterAll(async () => {
      await t?.stop();
    });

    const scrape = (token?: string) =>
      fetch(`${t.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    it('is off without the setting, refuses a wrong token, and reports routes, outbox and mail', async () => {
      const off = await scrape(TOKEN);
      expect(off.status).toBe(404);
      expect(((await off.json()) as { description: string }).description).toMatch(/metrics\.token/);

      const admin = await login(t, 'admin');
      const short = await admin.api.put('/api/admin/settings', { values: { 'metrics.token': 'short' } });
      expect(short.status).toBe(400);
      expect(JSON.stringify(short.body)).toContain('metrics.token');
      const set = await admin.api.put('/api/admin/settings', { values: { 'metrics.token': TOKEN } });
      expect(set.status).toBe(200);
      // A secret: the settings answer says it is set, never what it is.
      expect(JSON.stringify(set.body)).not.toContain(TOKEN);

      expect((await scrape()).status).toBe(401);
      const wrong = await scrape(`${TOKEN}x`);
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);

      // Something to count: a sign-up sends a verification mail through the outbox.
      const signup = await fetch(`${t.url}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `m-${Date.now()}@test.yeyak`, password: 'password-123' }),
      });
      expect(signup.status).toBeLessThan(300);
      let text = '';
      await expect
        .poll(
          async () => {
            const res = await scrape(TOKEN);
            expect(res.status).toBe(200);
            expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
            text = await res.text();
            return /yeyak_mails_sent_total\{transport="mailbox"\} [1-9]/.test(text);
          },
          { timeout: 20_000 },
        )
        .toBe(true);
      // Route patterns, never raw URLs (ids would make a series per object).
      expect(text).toMatch(
        /yeyak_http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/signup",status="201"\} [1-9]/,
      );
      expect(text).toMatch(/yeyak_outbox_unpublished \d+/);
      expect(text).toMatch(/yeyak_outbox_lag_seconds \d/);
      expect(text).toMatch(/yeyak_event_deliveries_total\{consumer="[^"]+",outcome="done"\} [1-9]/);
      expect(text).toMatch(/yeyak_process_resident_memory_bytes \d+/);
      expect(text).not.toContain(TOKEN);
    });
  });
}
