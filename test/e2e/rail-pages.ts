/**
 * What the rail page tests share: a whole yeyak in demo mode (PGlite, the sandbox operator
 * in-process, built web/dist) with a real Chromium, the demo user's login in the page and over the
 * API, and full-page screenshots under test-results/screenshots. `npm run build:web` must have run.
 */

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RailSim } from '../../sims/rail/server.ts';
import { loadConfig } from '../../src/config.ts';
import { client, startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const shots = resolve(root, 'test-results/screenshots');
export const USER = 'user@yeyak.local';
export const PASSWORD = 'yeyak-demo';

export type Viewport = { width: number; height: number };
export const DESKTOP: Viewport = { width: 1280, height: 900 };

export type RailDemo = { app: TestApp; sim: RailSim; browser: Browser };

/** The demo yeyak with fast polls and its stand-in operator, and a browser. */
export async function startRailDemo(): Promise<RailDemo> {
  mkdirSync(shots, { recursive: true });
  const base = loadConfig({ YEYAK_DEMO: '1' });
  const app = await startApp(
    'pglite',
    {
      demo: true,
      rail: {
        ...base.rail,
        sandbox: true,
        pollMs: 400,
        jitterMs: 0,
        accountIntervalMs: 0,
        egressPerMinute: 6000,
      },
    },
    { serveWeb: true, env: { YEYAK_DEMO: '1' } },
  );
  const sim = app.y.rail.sandboxSim as RailSim;
  sim.setCancellationRate(0);
  // Polls here run far faster than yeyak's polite default; the block is tested on purpose
  // (blockOperator), not by tripping the stand-in's rate threshold halfway through a file.
  sim.setBlockThreshold(1_000_000);
  return { app, sim, browser: await launchBrowser() };
}

export type Watched = { page: Page; context: BrowserContext; errors: string[] };

/** A page in `lang` whose console errors, page errors and failed loads are collected. */
export async function openPage(browser: Browser, lang: 'ko' | 'en', viewport = DESKTOP): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
  await context.addInitScript((l) => {
    if (!localStorage.getItem('yeyak.lang')) localStorage.setItem('yeyak.lang', l);
  }, lang);
  const errors: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    // Refused input answers 400 on purpose; the browser logs those as failed loads.
    // Demo posters point at PUBLIC_URL, which nothing serves here.
    if (msg.type() === 'error' && !/status of 400|ERR_CONNECTION_REFUSED/.test(msg.text()))
      errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.status() !== 400) errors.push(`http ${res.status()}: ${res.url()}`);
  });
  return { page, context, errors };
}

export const shot = shooter(shots);

/** Logs the demo user in through the login form. */
export async function logIn(page: Page, url: string) {
  await page.goto(`${url}/login`);
  await page.locator('input[name=email]').fill(USER);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('user-name').waitFor();
}

/** The demo user's API client. */
export async function demoApi(url: string) {
  const token = (
    await client(url).post<{ token: string }>('/api/auth/login', { email: USER, password: PASSWORD })
  ).body.data?.token as string;
  return client(url, token);
}

/** A date `days` ahead of today in Korea, as the pages take it (YYYY-MM-DD). */
export const kst = (days: number) =>
  new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
