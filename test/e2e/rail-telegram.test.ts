/**
 * "Telegram 연결" on the rail settings page: the link to the bot with a one-time code, the chat
 * pressing Start (the Telegram stand-in sends `/start <code>`), the card turning to linked and the
 * chat id appearing in the notification form; unlinking. Korean and English, desktop and phone.
 * `npm run build:web` must have run first.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifySim, startNotifySim } from '../../sims/notify/server.ts';
import { loadConfig } from '../../src/config.ts';
import { startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { logIn, openPage, shot, shots, type Viewport } from './rail-pages.ts';

let app: TestApp;
let browser: Browser;
let n: NotifySim;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  n = await startNotifySim();
  const base = loadConfig({ YEYAK_DEMO: '1' });
  app = await startApp(
    'pglite',
    {
      demo: true,
      rail: { ...base.rail, sandbox: true, telegram: { ...base.rail.telegram, pollSeconds: 1 } },
      notify: { ...base.notify, telegramApi: `${n.url}/telegram`, telegramToken: 'e2e-bot-token-12345' },
    },
    { serveWeb: true, env: { YEYAK_DEMO: '1' } },
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await n?.close();
});

const SIZES: Record<'desktop' | 'phone', Viewport> = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};
const WORDS = {
  ko: {
    title: 'Telegram 연결',
    get: '연결 링크 받기',
    open: 'Telegram에서 열기',
    linked: '연결됨',
    unlink: '연결 해제',
    not: '연결 안 됨',
  },
  en: {
    title: 'Connect Telegram',
    get: 'Get a link',
    open: 'Open in Telegram',
    linked: 'Linked',
    unlink: 'Unlink',
    not: 'Not linked',
  },
};

describe('rail web: Telegram 연결', () => {
  const cases = (['ko', 'en'] as const).flatMap((lang) =>
    (Object.keys(SIZES) as (keyof typeof SIZES)[]).map((size) => [lang, size] as const),
  );
  it.each(cases)('links a chat with the deep link and unlinks it (%s, %s)', async (lang, size) => {
    const w = WORDS[lang];
    const chat = 8_000_000 + cases.findIndex(([l, s]) => l === lang && s === size);
    const { page, errors, context } = await openPage(browser, lang, SIZES[size]);
    await logIn(page, app.url);
    await page.goto(`${app.url}/rail/settings`);
    const card = page.getByTestId('rail-telegram');
    await card.waitFor();
    await expect(card.locator('h3').textContent()).resolves.toBe(w.title);
    await expect(card.getByTestId('rail-telegram-state').textContent()).resolves.toBe(w.not);

    await card.getByRole('button', { name: w.get }).click();
    const open = card.getByTestId('rail-telegram-open');
    await open.waitFor();
    await expect(open.textContent()).resolves.toBe(w.open);
    const href = (await open.getAttribute('href')) as string;
    expect(href).toMatch(/^https:\/\/t\.me\/yeyak_test_bot\?start=[2-9A-Z]{8}$/);
    const code = new URL(href).searchParams.get('start') as string;
    await expect(card.getByTestId('rail-telegram-code').textContent()).resolves.toContain(`/start ${code}`);
    await shot(page, `rail-telegram-link-${lang}-${size}`);

    // The user opens the link and presses Start: Telegram sends "/start <code>" from their chat.
    await n.telegram.userSays(chat, `/start ${code}`);
    await expect
      .poll(() => card.getByTestId('rail-telegram-state').textContent(), { timeout: 15_000 })
      .toBe(w.linked);
    // The chat is now the Telegram address of the notification form.
    await expect
      .poll(() => page.getByTestId('rail-notify').locator('input').last().inputValue(), { timeout: 5000 })
      .toBe(String(chat));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await shot(page, `rail-telegram-linked-${lang}-${size}`);

    await card.getByRole('button', { name: w.unlink }).click();
    await expect.poll(() => card.getByTestId('rail-telegram-state').textContent()).toBe(w.not);
    expect(errors).toEqual([]);
    await context.close();
  });
});
