import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login as apiLogin, client, eventually, startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

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
  page.setDefaultNavigationTimeout(60_000);
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

const shot = shooter(shots);

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
  // Enough accounts for a second page on the users page.
  for (let i = 0; i < 22; i++) {
    await app.y.auth.addUser({ email: `crowd-${i}@test.yeyak`, password: 'password-123', role: 'user' });
  }
}, 240_000);

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

const adminCases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: DESKTOP,
    admin: '데모 관리자로 로그인',
    nav: '관리',
    users: '사용자',
    title: '사용자 관리',
    search: '찾기',
    add: '추가 (이메일 인증 완료 상태)',
    next: '다음',
    disable: '정지',
    yes: '예',
    disabled: '정지됨',
    organizer: '기획자',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: PHONE,
    admin: 'Log in as demo admin',
    nav: 'Admin',
    users: 'Users',
    title: 'Users',
    search: 'Search',
    add: 'Add (e-mail already verified)',
    next: 'Next',
    disable: 'Suspend',
    yes: 'Yes',
    disabled: 'suspended',
    organizer: 'Organiser',
  },
] as const;

describe.each(adminCases)('admin users page ($name)', (c) => {
  it('lists, pages, searches, adds a verified user, changes the role and disables', async () => {
    const w = await open(c.lang, c.viewport);
    const { page } = w;
    await page.goto(`${app.url}/login`);
    await page.getByRole('button', { name: c.admin }).click();
    await page.waitForURL(/\/mailbox$/);
    await page.getByRole('link', { name: c.nav, exact: true }).click();
    await page.waitForURL(/\/admin$/);
    await shot(page, `accounts-${c.name}-05-admin-menu`);
    await page.getByRole('link', { name: c.users, exact: true }).click();
    await page.getByRole('heading', { name: c.title, exact: true }).waitFor();
    await page.getByTestId('user-row').first().waitFor();
    expect(await page.getByTestId('user-row').count()).toBe(20);
    await shot(page, `accounts-${c.name}-05-users`);
    await page.getByRole('button', { name: c.next }).click();
    await expect.poll(() => page.getByTestId('users-count').textContent()).toMatch(/2/);
    expect(await page.getByTestId('user-row').count()).toBeGreaterThan(0);

    const email = `added-${c.name}@test.yeyak`;
    const form = page.getByTestId('add-user');
    await form.locator('input[name=email]').fill(email);
    await form.locator('input[name=name]').fill('새 사람');
    await form.locator('input[name=password]').fill('password-123');
    await form.getByRole('button', { name: c.add }).click();
    await form.locator('.alert-success').waitFor();
    // The new account logs in at once (verified).
    expect((await client(app.url).post('/api/auth/login', { email, password: 'password-123' })).status).toBe(
      200,
    );

    await page.locator('input[name=q]').fill(email);
    await page.getByRole('button', { name: c.search, exact: true }).click();
    const row = page.getByTestId('user-row').filter({ hasText: email });
    await row.waitFor();
    await expect.poll(() => page.getByTestId('user-row').count()).toBe(1);
    await row.locator('select').selectOption('organizer');
    await page.reload();
    await page.locator('input[name=q]').fill(email);
    await page.getByRole('button', { name: c.search, exact: true }).click();
    await expect.poll(() => row.locator('select').inputValue()).toBe('organizer');
    await row.getByRole('button', { name: c.disable, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: c.yes, exact: true }).click();
    await row.getByText(c.disabled, { exact: true }).waitFor();
    await shot(page, `accounts-${c.name}-06-user-disabled`);
    expect((await client(app.url).post('/api/auth/login', { email, password: 'password-123' })).status).toBe(
      403,
    );
    expect(w.errors).toEqual([]);
    await w.context.close();
  });
});

const settingsCases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: DESKTOP,
    admin: '데모 관리자로 로그인',
    nav: '관리',
    tab: '설정',
    save: '저장',
    tooShort: '1분 이상이어야 합니다.',
    saved: '설정 2개를 저장했습니다.',
    notice: '12월 5일 02:00–04:00 서버 점검이 있습니다.',
    reset: '기본값으로',
    logTab: '서버 로그',
    words: '단어',
    person: '한 사람 (이메일)',
    search: '찾기',
    badActor: '사용자 ID나 이메일 주소를 입력하세요.',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: PHONE,
    admin: 'Log in as demo admin',
    nav: 'Admin',
    tab: 'Settings',
    save: 'Save',
    tooShort: 'at least 1 minute',
    saved: '2 setting(s) saved.',
    notice: 'Maintenance on 5 December, 02:00–04:00 KST.',
    reset: 'Back to default',
    logTab: 'Server log',
    words: 'Words',
    person: 'Person (e-mail)',
    search: 'Search',
    badActor: 'a user id or an e-mail address',
  },
] as const;

describe.each(settingsCases)('admin settings page ($name)', (c) => {
  it('refuses a bad value beside its field, saves good ones, and shows the notice to every visitor', async () => {
    const w = await open(c.lang, c.viewport);
    const { page } = w;
    await page.goto(`${app.url}/login`);
    await page.getByRole('button', { name: c.admin }).click();
    await page.waitForURL(/\/mailbox$/);
    await page.getByRole('link', { name: c.nav, exact: true }).click();
    await page.getByRole('link', { name: c.tab, exact: true }).click();
    await page.waitForURL(/\/admin\/settings$/);
    const hold = page.locator('[data-key="tickets.holdMinutes"]');
    await hold.locator('input').fill('0');
    await page.getByRole('button', { name: c.save, exact: true }).click();
    await hold.locator('.field-error').getByText(c.tooShort).waitFor();
    await shot(page, `settings-${c.name}-01-refused`);
    // Refused as a whole: the notice typed beside it was not saved either.
    const before = await client(app.url).get<{ settings: Record<string, unknown> }>('/api/settings');
    expect(before.body.data?.settings['site.notice']).toBe('');

    await hold.locator('input').fill('15');
    await page.locator('[data-key="site.notice"] textarea').fill(c.notice);
    await page.getByRole('button', { name: c.save, exact: true }).click();
    await page.getByTestId('settings-saved').getByText(c.saved).waitFor();
    await page.reload();
    await page.getByTestId('site-notice').getByText(c.notice).waitFor();
    await shot(page, `settings-${c.name}-02-saved`);

    // A visitor who is not logged in sees the notice on the front page.
    const visitor = await open(c.lang, c.viewport);
    await visitor.page.goto(app.url);
    await visitor.page.getByTestId('site-notice').getByText(c.notice).waitFor();
    await shot(visitor.page, `settings-${c.name}-03-visitor`);
    await visitor.context.close();

    // The change is in the server log with who made it; a bad filter is named beside its field.
    await page.getByRole('link', { name: c.logTab, exact: true }).click();
    await page.waitForURL(/\/admin\/log$/);
    await page.getByLabel(c.words).fill('settings');
    await page.getByRole('button', { name: c.search, exact: true }).click();
    const row = page.getByTestId('log-row').filter({ hasText: 'settings changed' }).first();
    await row.getByText('admin@yeyak.local').waitFor();
    await shot(page, `settings-${c.name}-04-log`);
    await page.getByLabel(c.person).fill('nobody');
    await page.getByRole('button', { name: c.search, exact: true }).click();
    await page.locator('.field-error').getByText(c.badActor).waitFor();
    await page.getByLabel(c.person).fill('');
    await page.getByRole('link', { name: c.tab, exact: true }).click();
    await page.waitForURL(/\/admin\/settings$/);

    for (const key of ['site.notice', 'tickets.holdMinutes']) {
      await page.locator(`[data-key="${key}"]`).getByRole('button', { name: c.reset }).click();
      await page
        .locator(`[data-key="${key}"]`)
        .getByRole('button', { name: c.reset })
        .waitFor({ state: 'detached' });
    }
    // The refused save and the refused log filter are the only failed requests (Chromium logs them to the console as well).
    expect(w.errors.filter((e) => !e.startsWith('http 400') && !e.includes('status of 400'))).toEqual([]);
    expect(w.errors.filter((e) => e.startsWith('http 400'))).toHaveLength(2);
    await w.context.close();
  });
});
