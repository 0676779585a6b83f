import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login as apiLogin, client, eventually, startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';

/**
 * Accounts in a real Chromium (PGlite, demo data, built web/dist): the demo banner, the one-click demo
 * mailbox (mail stays private), and the admin's users page; at desktop and phone width.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');

let app: TestApp;
let browser: Browser;
/** Someone else's sign-up code mail: the demo buyer must not see it, the admin must. */
let stranger: string;

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function open(lang: 'ko' | 'en', viewport: { width: number; height: number }): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
  await context.addInitScript((l) => {
    try {
      if (!localStorage.getItem('yeyak.lang')) localStorage.setItem('yeyak.lang', l);
    } catch {
      // sandboxed frames have no storage
    }
  }, lang);
  const errors: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Demo posters point at PUBLIC_URL, which nothing serves in this test.
    if (msg.type() === 'error' && !msg.text().includes('ERR_CONNECTION_REFUSED'))
      errors.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return { page, context, errors };
}

async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: resolve(shots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp('pglite', {}, { serveWeb: true, env: { YEYAK_DEMO: '1' } });
  browser = await launchBrowser();
  stranger = `stranger-${Date.now()}@test.yeyak`;
  await client(app.url).post('/api/auth/signup', { email: stranger, password: 'password-123' });
  const admin = await apiLogin(app, 'admin');
  await eventually(async () => {
    const list = await admin.api.get<{ messages: { to: string[] }[] }>('/api/mailbox');
    return list.body.data!.messages.some((m) => m.to.includes(stranger));
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: DESKTOP,
    banner: '데모 모드',
    buyer: '데모 구매자로 로그인',
    admin: '데모 관리자로 로그인',
    logout: '로그아웃',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: PHONE,
    banner: 'Demo mode',
    buyer: 'Log in as demo buyer',
    admin: 'Log in as demo admin',
    logout: 'Log out',
  },
] as const;

describe.each(cases)('demo mode in the web ($name)', (c) => {
  it('shows the sandbox banner on every page', async () => {
    const w = await open(c.lang, c.viewport);
    for (const path of ['/', '/login', '/signup', '/mailbox', '/events/PF132236', '/no-such-page']) {
      await w.page.goto(`${app.url}${path}`);
      await w.page.getByTestId('demo-banner').getByText(c.banner).waitFor();
    }
    await w.page.goto(`${app.url}/`);
    await w.page.getByTestId('event-card').first().waitFor();
    await shot(w.page, `accounts-${c.name}-01-banner`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('opens the demo mailbox with one click, showing only that account’s mail', async () => {
    const w = await open(c.lang, c.viewport);
    const { page } = w;
    await page.goto(`${app.url}/mailbox`);
    // No mail without login.
    await page.getByTestId('mailbox-login').waitFor();
    expect(await page.getByTestId('mail-list').count()).toBe(0);
    await shot(page, `accounts-${c.name}-02-mailbox-login`);
    await page.getByRole('button', { name: c.buyer }).click();
    await page.getByTestId('user-name').waitFor();
    await page.getByTestId('mail-list').waitFor();
    await page.waitForLoadState('networkidle');
    const buyerItems = await page.getByTestId('mail-item').allTextContents();
    expect(buyerItems.join('\n')).not.toContain(stranger);
    await shot(page, `accounts-${c.name}-03-buyer-mailbox`);

    await page.getByRole('button', { name: c.logout }).click();
    await page.goto(`${app.url}/login`);
    await page.getByRole('button', { name: c.admin }).click();
    await page.waitForURL(/\/mailbox$/);
    await page.getByTestId('mail-item').filter({ hasText: stranger }).first().waitFor();
    await shot(page, `accounts-${c.name}-04-admin-mailbox`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });
});
