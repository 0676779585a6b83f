import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createYeyak } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { client, eventually, login, TEST_OUTBOUND_ALLOW, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * The marketplace's counselor side and admin pages in a real Chromium, in demo mode (the 060 and push
 * stand-ins run inside yeyak): someone applies from the sign-up page's link, the admin accepts; the
 * admin registers two counselors at the 060 stand-in and syncs (the applicant's is linked by the
 * application's e-mail), links the other by e-mail (the invitation is in the mailbox); the demo
 * counselor edits their profile; the admin sends a test push to their own device and sees it
 * delivered. Desktop in Korean, phone in English.
 */

const shots = '/tmp/shots-consult-admin';
let app: TestApp;
let browser: Browser;

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function open(lang: 'ko' | 'en', viewport: { width: number; height: number }, token?: string) {
  const context = await browser.newContext({
    viewport,
    locale: lang === 'en' ? 'en-GB' : 'ko-KR',
    ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  await context.addInitScript(
    ([l, tk]) => {
      try {
        localStorage.setItem('yeyak.lang', l);
        if (tk) localStorage.setItem('yeyak.token', tk);
      } catch {
        // sandboxed frames have no storage
      }
    },
    [lang, token ?? ''],
  );
  const errors: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().includes('ERR_CONNECTION_REFUSED'))
      errors.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return { page, context, errors } satisfies Watched;
}

const shot = shooter(shots);

/** The expected refusals a step provoked, taken out of the page's error list (the rest must be none). */
function expectOnly(w: Watched, expected: RegExp[]) {
  const rest = w.errors.filter((e) => !expected.some((r) => r.test(e)));
  expect(rest).toEqual([]);
  w.errors.length = 0;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const config = {
    ...loadConfig({ YEYAK_DEMO: '1', LOG_LEVEL: 'warn', YEYAK_OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW }),
    dataDir: 'memory://',
    port: 0,
    host: '127.0.0.1',
    retryBaseMs: 200,
  };
  const y = await createYeyak(config, {
    logger: createLogger('warn'),
    pollingIntervalSeconds: 0.5,
    serveWeb: true,
  });
  await y.start();
  await y.listen();
  const address = y.app?.server.address() as AddressInfo;
  const url = `http://localhost:${address.port}`;
  config.publicUrl = url;
  app = { y, config, url, stop: () => y.stop() };
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 800 },
    applyLink: '상담사로 지원하기',
    sent: '지원서를 받았습니다',
    yes: '예',
    accepted: '승인',
    linked: '연결했습니다',
    saved: '저장했습니다.',
    delivered: '전달 1',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    applyLink: 'Apply as a counselor',
    sent: 'Application received',
    yes: 'Yes',
    accepted: 'Accepted',
    linked: 'Linked.',
    saved: 'Saved.',
    delivered: '1 delivered',
  },
] as const;

describe.each(cases)('consult counselor side and admin ($name)', (c) => {
  const applicant = `applicant-${c.name}@test.yeyak`;
  const picked = `picked-${c.name}@test.yeyak`;

  it('apply → accept → sync links by e-mail → link by hand (invitation mailed) → profile → test push', async () => {
    // 1. Someone applies from the sign-up page's link.
    const anon = await open(c.lang, c.viewport);
    await anon.page.goto(`${app.url}/signup`);
    await anon.page.getByTestId('apply-counselor-link').getByText(c.applyLink).click();
    await anon.page.waitForURL(/\/consult\/apply$/);
    await anon.page.getByTestId('apply-name').fill(`지원자 ${c.name}`);
    await anon.page.getByTestId('apply-email').fill(applicant);
    await anon.page.getByTestId('apply-phone').fill('010-5555-0101');
    // A wrong phone is refused naming the field; nothing is stored.
    await anon.page.getByTestId('apply-phone').fill('12345');
    await anon.page.getByTestId('apply-send').click();
    await anon.page.locator('.field-invalid').getByTestId('apply-phone').waitFor();
    await anon.page.getByTestId('apply-phone').fill('010-5555-0101');
    await anon.page.getByTestId('choices-categories').locator('input').first().check();
    await anon.page.getByTestId('choices-services').locator('input[value=phone]').check();
    await anon.page.getByTestId('apply-intro').fill('사주 <b>20년</b>');
    await shot(anon.page, `${c.name}-01-apply`);
    await anon.page.getByTestId('apply-send').click();
    await anon.page.getByTestId('apply-sent').getByText(c.sent).waitFor();
    await shot(anon.page, `${c.name}-02-applied`);
    expectOnly(anon, [/http 400: POST .*\/api\/consult\/applications/, /status of 400/]);
    await anon.context.close();

    // 2. The admin's menu, then the application: accept it.
    const admin = await login(app, 'admin');
    const a = await open(c.lang, c.viewport, admin.token);
    await a.page.goto(`${app.url}/consult`);
    await a.page.getByTestId('consult-admin-link').click();
    await a.page.waitForURL(/\/consult\/admin$/);
    await a.page.getByTestId('consult-admin-menu').waitFor();
    await shot(a.page, `${c.name}-03-admin-menu`);
    await a.page.locator('a[href="/consult/admin/applications"]').first().click();
    const row = a.page.locator(`[data-testid=application][data-email="${applicant}"]`);
    await row.waitFor();
    // Their words are shown as text, not markup.
    expect(await row.textContent()).toContain('사주 <b>20년</b>');
    await shot(a.page, `${c.name}-04-applications`);
    await row.getByTestId('application-accept').click();
    await a.page.getByRole('dialog').getByRole('button', { name: c.yes }).click();
    await row.waitFor({ state: 'detached' });
    await a.page.getByTestId('filter-accepted').click();
    await row.getByText(c.accepted).first().waitFor();
    const [app1] = (await app.y.consult.applications.list('accepted')).filter((x) => x.email === applicant);
    expect(app1?.state).toBe('accepted');

    // 3. Two people registered at the 060 stand-in: the applicant (with their e-mail) and one without.
    const sim = client(`${app.url}/sim/phone060`);
    const reg = async (body: Record<string, unknown>) => {
      const r = await sim.post<never>('/admin/counselors', body);
      expect(r.status).toBe(201);
      return (r.body as unknown as { counselor: { code: string } }).counselor.code;
    };
    const applicantCode = await reg({
      nickname: `지원${c.lang}`,
      grade: 'gold',
      rate: 700,
      email: applicant,
    });
    const loneCode = await reg({ nickname: `새상담${c.lang}`, grade: 'silver', rate: 500 });
    await a.page.goto(`${app.url}/consult/admin/counselors`);
    await a.page.getByTestId('admin-counselor').first().waitFor();
    await a.page.getByTestId('sync-counselors').click();
    await a.page.getByTestId('sync-result').waitFor();
    const byCode = (code: string) => a.page.locator(`[data-testid=admin-counselor][data-code="${code}"]`);
    await byCode(applicantCode).getByTestId('counselor-email').getByText(applicant).waitFor();
    // Link the other by e-mail: a bad address is refused naming the field, then a good one links.
    const lone = byCode(loneCode);
    await lone.getByTestId('link-email').fill('not-an-email');
    await lone.getByTestId('link-submit').click();
    await lone.locator('.field-invalid').waitFor();
    await lone.getByTestId('link-email').fill(picked);
    await lone.getByTestId('link-submit').click();
    await a.page.getByTestId('link-result').getByText(c.linked).waitFor();
    await byCode(loneCode).getByTestId('counselor-email').getByText(picked).waitFor();
    // Admin fields: weight and memo saved.
    const form = byCode(loneCode).getByTestId('counselor-admin-form');
    await form.getByTestId('counselor-weight').fill('50');
    await form.getByTestId('counselor-memo').fill('국민 123-45-6789');
    await form.getByTestId('counselor-admin-save').click();
    await eventually(async () => {
      const r = await admin.api.get<{ counselors: { code: string; searchWeight: number; memo: string }[] }>(
        '/api/consult/admin/counselors',
      );
      const x = r.body.data?.counselors.find((y) => y.code === loneCode);
      return x?.searchWeight === 50 && x.memo === '국민 123-45-6789';
    });
    // The PATCH answer names the linked account too (the page reloads the list, other callers may not).
    const listed = await admin.api.get<{ counselors: { id: string; code: string }[] }>(
      '/api/consult/admin/counselors',
    );
    const loneId = listed.body.data?.counselors.find((y) => y.code === loneCode)?.id;
    const patched = await admin.api.patch<{ counselor: { email: string | null } }>(
      `/api/consult/admin/counselors/${loneId}`,
      { searchWeight: 50 },
    );
    expect(patched.body.data?.counselor.email).toBe(picked);
    await shot(a.page, `${c.name}-05-counselors`);
    expectOnly(a, [/http 400: POST .*\/link$/, /status of 400/]);

    // The invitations are in the mailbox: to the picked e-mail and to the applicant.
    for (const to of [picked, applicant])
      await eventually(async () => {
        const list = await admin.api.get<{ messages: { to: string[]; subject: string }[] }>('/api/mailbox');
        return list.body.data?.messages.find((m) => m.to.includes(to) && /초대|invited/.test(m.subject));
      });

    // 4. The demo counselor edits their profile: picture, intro, categories, status by hand.
    const session = await client(app.url).post<{ token: string }>('/api/auth/login', {
      email: 'counselor@yeyak.local',
      password: 'yeyak-demo',
    });
    const co = await open(c.lang, c.viewport, session.body.data?.token);
    await co.page.goto(`${app.url}/consult/me/counselor`);
    await co.page.getByTestId('my-counselor').waitFor();
    await co.page.getByTestId('counselor-earned').waitFor();
    const png = new PNG({ width: 64, height: 64 });
    png.data.fill(0x5a);
    await co.page.getByTestId('image-upload-input').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: PNG.sync.write(png),
    });
    await co.page.getByTestId('counselor-picture').waitFor();
    await co.page.getByTestId('counselor-intro').fill(`${c.name}: 편안한 상담`);
    const auto = co.page.getByTestId('counselor-autoOnline');
    if (await auto.isChecked()) await auto.uncheck();
    await co.page.getByTestId('counselor-save').click();
    await co.page.getByTestId('counselor-saved').getByText(c.saved).waitFor();
    // Automatic status off: the switch shows and moves the line status at the 060 stand-in.
    const toggle = co.page.getByTestId('line-toggle');
    await toggle.waitFor();
    const before = await co.page.getByTestId('line-status').locator('.badge').textContent();
    await toggle.click();
    await eventually(
      async () => (await co.page.getByTestId('line-status').locator('.badge').textContent()) !== before,
    );
    await shot(co.page, `${c.name}-06-counselor-profile`);
    const mine = await client(app.url, session.body.data?.token).get<{
      counselor: { intro: string; autoOnline: boolean };
    }>('/api/consult/me/counselor');
    expect(mine.body.data?.counselor).toMatchObject({ intro: `${c.name}: 편안한 상담`, autoOnline: false });
    expectOnly(co, []);
    await co.context.close();

    // 5. A test push to the admin's own device (the push stand-in plays FCM).
    const tok = `e2e-${crypto.randomUUID()}:APA91b${'x'.repeat(100)}`;
    expect((await admin.api.post('/api/push/devices', { kind: 'fcm', token: tok })).status).toBe(201);
    expect((await admin.api.put('/api/me/consents', { push: true })).status).toBe(200);
    await a.page.goto(`${app.url}/consult/admin/push`);
    await a.page.getByTestId('push-title').fill('점검 안내');
    await a.page.getByTestId('push-body').fill('오늘 밤 2시에 잠시 멈춥니다.');
    await a.page.getByTestId('push-link').fill('https://evil.example/');
    await a.page.getByTestId('push-test').click();
    await a.page.locator('.field-invalid').getByTestId('push-link').waitFor();
    await a.page.getByTestId('push-link').fill('/consult/board');
    await a.page.getByTestId('push-test').click();
    await a.page.getByTestId('push-queued').waitFor();
    const counts = a.page.getByTestId('push-send-row').first().getByTestId('push-counts');
    await eventually(async () => {
      await a.page.getByRole('button', { name: c.lang === 'ko' ? '새로고침' : 'Refresh' }).click();
      return ((await counts.textContent()) ?? '').includes(c.delivered);
    });
    await shot(a.page, `${c.name}-07-push`);
    const got = (await client(`${app.url}/sim/push`).get<never>('/received')).body as unknown as {
      fcm: { token: string; message: Record<string, unknown> }[];
    };
    const mineMsgs = got.fcm.filter((m) => m.token === tok);
    expect(mineMsgs).toHaveLength(1);
    expect(JSON.stringify(mineMsgs[0]?.message)).toContain('점검 안내');
    expectOnly(a, [/http 400: POST .*\/api\/consult\/admin\/push/, /status of 400/]);
    await a.context.close();
  }, 180_000);
});
