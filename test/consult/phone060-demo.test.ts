import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  phone060Env,
  phone060FromConfig,
  readPhone060Config,
} from '../../src/modules/consult/phone060/index.ts';
import { backends, startApp, type TestApp } from '../helpers.ts';

/** Demo mode: yeyak serves the stand-in under /sim/phone060, behind its own headers and input checks. */
describe.each(backends)('phone060 stand-in inside yeyak in demo mode (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(backend, {}, { env: { YEYAK_DEMO: '1' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the adapter made from demo config reaches it, and its pages pass the CSP (no script) and post forms', async () => {
    const link = phone060FromConfig(readPhone060Config(phone060Env.parse({})), t.config.demo, () => t.url)();
    expect(link?.standIn).toBe(true);
    const phone060 = link?.client;
    if (!phone060) throw new Error('no link');
    expect((await phone060.listCounselors()).length).toBeGreaterThanOrEqual(5);
    expect((await phone060.chargeTime('01055550000', 300, 'demo-1')).balanceSeconds).toBe(300);

    const page = await fetch(`${t.url}/sim/phone060/simulate`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('action="/sim/phone060/simulate/call"');

    const form = (path: string, fields: Record<string, string>) =>
      fetch(`${t.url}/sim/phone060${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
    const added = await form('/admin/counselors', {
      code: '',
      nickname: '은하수',
      grade: 'silver',
      rate: '1100',
    });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/sim/phone060/admin?added=106');
    expect((await phone060.listCounselors()).find((c) => c.code === '106')?.name).toBe('은하수');
    // No webhook registered yet: the call is refused, and the page says why.
    const refused = await form('/simulate/call', { phone: '01055550000', code: '106', seconds: '40' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('NO_WEBHOOK');
  });
});
