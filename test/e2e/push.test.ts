import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn } from '../../sims/standins.ts';
import { loadConfig } from '../../src/config.ts';
import { login, startApp, type TestApp } from '../helpers.ts';
import { expectAccessible } from './axe.ts';
import { launchBrowser } from './browser.ts';

/**
 * The notification settings page in a real Chromium (PGlite, built web/dist): consents with their
 * times, the app bridge handing over an FCM token, and "enable push on this browser". Headless
 * Chromium has no push service to subscribe with, so that button may end in its failure message;
 * Web Push delivery itself is tested server-side against the stand-in (test/platform/push.test.ts).
 */
const shots = '/tmp/shots-push';

let app: TestApp;
let browser: Browser;
let sim: { url: string; close: () => Promise<unknown> };

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  sim = await startStandIn('push');
  app = await startApp('pglite', { push: { ...loadConfig({}).push, simUrl: sim.url } }, { serveWeb: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await sim?.close();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 900 },
    title: '알림 설정',
    never: '아직 선택하지 않음',
    given: /^동의함 · /,
    withdrawn: /^철회함 · /,
    noDevices: '등록된 기기가 없습니다.',
    app: false,
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    title: 'Notification settings',
    never: 'Not chosen yet',
    given: /^Given · /,
    withdrawn: /^Withdrawn · /,
    noDevices: 'No devices registered.',
    app: true,
  },
] as const;

describe.each(cases)('notification settings in the web ($name)', (c) => {
  it('gives and withdraws consents with their times, and registers the app token or this browser', async () => {
    const me = await login(app, 'user');
    const context = await browser.newContext({
      viewport: c.viewport,
      locale: c.lang === 'ko' ? 'ko-KR' : 'en-GB',
    });
    await context.grantPermissions(['notifications'], { origin: app.url });
    const appToken = `e2e-${crypto.randomUUID()}:APA91b${'t'.repeat(80)}`;
    await context.addInitScript(
      ([token, l, inApp, fcm]) => {
        localStorage.setItem('yeyak.token', token);
        localStorage.setItem('yeyak.lang', l);
        if (!inApp) return;
        // What the Flutter app's JavaScript channel does: answer "ready" with the FCM token.
        const w = window as unknown as Record<string, unknown>;
        w.__toApp = [] as string[];
        w.YeyakPush = {
          postMessage(m: string) {
            (w.__toApp as string[]).push(m);
            if (JSON.parse(m).type === 'ready')
              setTimeout(
                () => (w.yeyakPushToken as (x: unknown) => void)({ token: fcm, platform: 'android' }),
                50,
              );
          },
        };
      },
      [me.token, c.lang, c.app, appToken] as const,
    );
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${app.url}/notifications`);
    await page.getByTestId('push-settings-link').click();
    await page.waitForURL(/\/account\/notifications$/);
    await page.getByRole('heading', { name: c.title, exact: true }).waitFor();
    expect(await page.getByTestId('consent-push-time').textContent()).toBe(c.never);
    // Night needs marketing first.
    expect(await page.locator('[data-testid=consent-night] input').isDisabled()).toBe(true);
    await page.screenshot({ path: `${shots}/push-${c.name}-01-start.png`, fullPage: true });
    await expectAccessible(page, `push-${c.name}-01-start`);

    await page.locator('[data-testid=consent-push] input').check();
    await expect.poll(() => page.getByTestId('consent-push-time').textContent()).toMatch(c.given);
    await page.locator('[data-testid=consent-marketing] input').check();
    await expect.poll(() => page.getByTestId('consent-marketing-time').textContent()).toMatch(c.given);
    expect(await page.locator('[data-testid=consent-night] input').isDisabled()).toBe(false);
    await page.locator('[data-testid=consent-night] input').check();
    await expect.poll(() => page.getByTestId('consent-night-time').textContent()).toMatch(c.given);
    await page.locator('[data-testid=consent-marketing] input').uncheck();
    await expect.poll(() => page.getByTestId('consent-marketing-time').textContent()).toMatch(c.withdrawn);
    await page.getByTestId('consent-saved').waitFor();
    const saved = (
      await me.api.get<{ consents: Record<string, { given: boolean; at: string }> }>('/api/me/consents')
    ).body.data?.consents;
    expect(saved?.push.given && !saved.marketing.given && saved.night.given).toBe(true);
    // Four changes, four confirmation mails.
    await expect
      .poll(async () => (await app.y.ctx.mailbox.list({ onlyTo: me.email })).length, { timeout: 15_000 })
      .toBe(4);

    if (c.app) {
      // The app's token arrived through the bridge and was registered for this user.
      await expect.poll(() => page.getByTestId('push-device').count()).toBe(1);
      expect(await page.getByTestId('push-device').textContent()).toContain('android');
      expect(await page.evaluate(() => (window as unknown as { __toApp: string[] }).__toApp)).toContain(
        '{"type":"ready"}',
      );
    } else expect(await page.getByTestId('push-no-devices').textContent()).toBe(c.noDevices);

    // This browser: permission granted; headless Chromium may have no push service behind PushManager.
    await page.getByTestId('push-enable').click();
    const state = page.getByTestId('push-browser-state');
    await state.waitFor();
    const text = (await state.textContent()) ?? '';
    const browserDevices =
      (await me.api.get<{ devices: { kind: string }[] }>('/api/push/devices')).body.data?.devices ?? [];
    if (/enabled|푸시를 받습니다|receives push/.test(text))
      expect(browserDevices.some((d) => d.kind === 'webpush')).toBe(true);
    else expect(text).toMatch(c.lang === 'ko' ? /구독하지 못했습니다/ : /Could not subscribe/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: `${shots}/push-${c.name}-02-after.png`, fullPage: true });
    await expectAccessible(page, `push-${c.name}-02-after`);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
