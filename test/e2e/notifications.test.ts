import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type TestApp } from '../helpers.ts';
import { expectAccessible } from './axe.ts';
import { launchBrowser } from './browser.ts';

/**
 * The bell and the notifications page in a real Chromium (PGlite, built web/dist): ko at desktop
 * width and en at phone width.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp('pglite', {}, { serveWeb: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 900 },
    title: '알림',
    bell: '알림: 읽지 않음 3',
    unread: (n: number) => `읽지 않은 알림 ${n}개`,
    readAll: '모두 읽음으로 표시',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    title: 'Notifications',
    bell: 'Notifications: 3 unread',
    unread: (n: number) => `${n} unread`,
    readAll: 'Mark all as read',
  },
] as const;

describe.each(cases)('notifications in the web ($name)', (c) => {
  it('shows the count on the bell, opens one (count drops) and marks all read', async () => {
    const me = await login(app, 'user');
    const me2 = await me.api.get<{ user: { id: string } }>('/api/auth/me');
    const userId = me2.body.data!.user.id;
    const notices = [
      {
        title: '[yeyak] SRT 329 좌석 확보 / seat reserved',
        lines: ['수서 → 부산', '결제 기한 / pay by: 12-04 10:00 KST'],
      },
      { title: '[yeyak] 감시 중단 / watch stopped', lines: ['<img src=x onerror=alert(1)> stays text'] },
      { title: '[yeyak] 메일함 / mailbox', lines: ['newest'] },
    ];
    for (const n of notices)
      await app.y.ctx.notify.deliver(
        crypto.randomUUID(),
        userId,
        ['inapp'],
        { ...n, link: '/mailbox' },
        {
          scope: 'e2e-inapp',
        },
      );

    const context = await browser.newContext({
      viewport: c.viewport,
      locale: c.lang === 'ko' ? 'ko-KR' : 'en-GB',
    });
    await context.addInitScript(
      ([token, l]) => {
        localStorage.setItem('yeyak.token', token);
        localStorage.setItem('yeyak.lang', l);
      },
      [me.token, c.lang] as const,
    );
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });

    await page.goto(`${app.url}/mailbox`);
    const bell = page.getByTestId('bell');
    await expect
      .poll(() =>
        page
          .getByTestId('bell-count')
          .textContent()
          .catch(() => ''),
      )
      .toBe('3');
    expect(await bell.getAttribute('aria-label')).toBe(c.bell);
    await page.screenshot({ path: resolve(shots, `notifications-${c.name}-01-bell.png`) });
    await expectAccessible(page, `notifications-${c.name}-01-bell`);

    await bell.click();
    await page.waitForURL(/\/notifications$/);
    await page.getByRole('heading', { name: c.title, exact: true }).waitFor();
    const rows = page.getByTestId('notification');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    expect(await page.locator('[data-testid=notification][data-unread=true]').count()).toBe(3);
    await expect.poll(() => page.getByTestId('unread-count').textContent()).toBe(c.unread(3));
    // Newest first; the text is shown as text.
    expect(await rows.first().textContent()).toContain('newest');
    expect(await rows.nth(1).textContent()).toContain('<img src=x onerror=alert(1)> stays text');
    expect(await page.locator('.notification img').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: resolve(shots, `notifications-${c.name}-02-list.png`), fullPage: true });
    await expectAccessible(page, `notifications-${c.name}-02-list`);

    // A click marks it read and opens its link; the bell counts one less.
    await rows.first().click();
    await page.waitForURL(/\/mailbox$/);
    await expect
      .poll(() =>
        page
          .getByTestId('bell-count')
          .textContent()
          .catch(() => ''),
      )
      .toBe('2');
    expect((await me.api.get('/api/notifications/unread')).body.data).toEqual({ unread: 2 });

    await bell.click();
    await page.waitForURL(/\/notifications$/);
    await expect.poll(() => page.getByTestId('unread-count').textContent()).toBe(c.unread(2));
    expect(await page.locator('[data-testid=notification][data-unread=true]').count()).toBe(2);
    await page.getByRole('button', { name: c.readAll }).click();
    await expect.poll(() => page.getByTestId('unread-count').textContent()).toBe(c.unread(0));
    await expect.poll(() => page.getByTestId('bell-count').count()).toBe(0);
    expect(await page.locator('[data-testid=notification][data-unread=true]').count()).toBe(0);
    await page.screenshot({
      path: resolve(shots, `notifications-${c.name}-03-all-read.png`),
      fullPage: true,
    });
    await expectAccessible(page, `notifications-${c.name}-03-all-read`);

    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
