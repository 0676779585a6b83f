import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createYeyak } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { login, TEST_OUTBOUND_ALLOW, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * Buying points in a real Chromium, in demo mode (the Payletter stand-in runs inside yeyak, the demo
 * point items exist): the shop, the stand-in's payment page, the result page until credited, the
 * balance on the profile; the admin sees the purchase and refunds it. Desktop in Korean, phone in
 * English (the phone gets the gateway's mobile page).
 */

const shots = '/tmp/shots-consult-points';
let app: TestApp;
let browser: Browser;

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function open(lang: 'ko' | 'en', viewport: { width: number; height: number }, token: string) {
  const context = await browser.newContext({
    viewport,
    locale: lang === 'en' ? 'en-GB' : 'ko-KR',
    ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  await context.addInitScript(
    ([l, tk]) => {
      try {
        localStorage.setItem('yeyak.lang', l);
        localStorage.setItem('yeyak.token', tk);
      } catch {
        // sandboxed frames have no storage
      }
    },
    [lang, token],
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
    location: 'online',
    item: '3만원',
    price: '30,000원',
    credited: '30,000P가 충전되었습니다.',
    available: '36,000P',
    refund: '환불',
    yes: '예',
    refunded: '환불',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    location: 'mobile',
    item: '3만원',
    price: '30,000원',
    credited: '30,000 P added to your points.',
    available: '36,000 P',
    refund: 'Refund',
    yes: 'Yes',
    refunded: 'Refunded',
  },
] as const;

describe.each(cases)('buying points through the Payletter stand-in ($name)', (c) => {
  it('buys points, sees the balance rise; the admin sees the purchase and refunds it', async () => {
    const buyer = await login(app);
    const w = await open(c.lang, c.viewport, buyer.token);
    const { page } = w;
    await page.goto(`${app.url}/consult/profile`);
    await page.getByTestId('points-available').first().waitFor();
    expect(await page.getByTestId('points-available').first().textContent()).toContain('3,000');
    // A profile picture: uploaded, then shown.
    const png = new PNG({ width: 64, height: 64 });
    png.data.fill(0x7f);
    await page.getByTestId('image-upload-input').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: PNG.sync.write(png),
    });
    await page.locator('img.consult-avatar').waitFor();
    await shot(page, `${c.name}-01-profile-before`);

    await page.goto(`${app.url}/consult/points`);
    const card = page.getByTestId('point-item').filter({ hasText: c.item });
    await card.waitFor();
    await shot(page, `${c.name}-02-shop`);
    await card.getByTestId('point-item-buy').click();
    await page.waitForURL(/\/pgsvc\/hub\.asp/);
    expect(new URL(page.url()).searchParams.get('location')).toBe(c.location);
    await page.getByTestId('payletter-amount').getByText(c.price).waitFor();
    await shot(page, `${c.name}-03-gateway`);
    await page.getByTestId('payletter-pay').click();
    await page.waitForURL(/\/consult\/points\/result\/[0-9a-f-]{36}$/);
    await page.getByTestId('points-credited').getByText(c.credited).waitFor();
    await shot(page, `${c.name}-04-credited`);

    await page.getByTestId('points-to-profile').click();
    await page.waitForURL(/\/consult\/profile$/);
    await page.getByTestId('points-available').first().getByText(c.available).waitFor();
    await page.getByTestId('statement').locator('li').nth(2).waitFor();
    await shot(page, `${c.name}-05-profile-after`);
    // The phone: a landline is refused naming the field, a mobile number is kept.
    await page.getByTestId('profile-phone').fill('02-123-4567');
    await page.getByTestId('profile-save').click();
    await page.locator('.field-invalid').getByTestId('profile-phone').waitFor();
    await page.getByTestId('profile-phone').fill('01098765432');
    await page.getByTestId('profile-save').click();
    await page.getByRole('status').waitFor();
    expect(await page.getByTestId('profile-phone').inputValue()).toBe('010-9876-5432');
    // The refused PATCH is the one 400 the browser saw (as a response and as a console line).
    const refused = w.errors.filter((e) => e.startsWith('http 400: PATCH') || e.includes('status of 400'));
    expect(refused).toHaveLength(2);
    w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !refused.includes(e)));
    expect(w.errors).toEqual([]);
    await w.context.close();

    const admin = await login(app, 'admin');
    const a = await open(c.lang, c.viewport, admin.token);
    await a.page.goto(`${app.url}/consult/admin/purchases`);
    await a.page.getByTestId('filter-email').fill(buyer.email);
    await a.page.getByTestId('filter-search').click();
    const row = a.page.getByTestId('admin-purchase-row').filter({ hasText: buyer.email });
    await row.and(a.page.locator('[data-state=credited]')).waitFor();
    await shot(a.page, `${c.name}-06-admin-purchases`);
    await row.getByTestId('purchase-refund').click();
    await a.page.getByRole('dialog').getByRole('button', { name: c.yes }).click();
    await a.page
      .locator('[data-testid=admin-purchase-row][data-state=refunded]')
      .filter({ hasText: buyer.email })
      .waitFor();
    await shot(a.page, `${c.name}-07-admin-refunded`);
    const bought = await app.y.consult.purchases.list({ email: buyer.email, limit: 5 });
    expect(bought.purchases).toHaveLength(1);
    expect(bought.purchases[0]).toMatchObject({
      state: 'refunded',
      refundedPoints: 30_000,
      orderState: 'refunded',
    });

    await a.page.goto(`${app.url}/consult/admin/point-items`);
    await a.page.getByTestId('point-item-row').nth(2).waitFor();
    // A new package: a missing price is refused naming the field, then it is added.
    const add = a.page.getByTestId('point-item-new');
    await add.getByTestId('item-name').fill(`${c.name} 2만원`);
    await add.getByTestId('item-points').fill('20000');
    await add.getByTestId('item-save').click();
    await add.locator('.field-invalid').getByTestId('item-price').waitFor();
    await add.getByTestId('item-price').fill('20000');
    await add.getByTestId('item-save').click();
    await a.page.getByTestId('point-item-row').nth(3).waitFor();
    expect((await app.y.consult.pointItems.list({ activeOnly: true })).map((i) => i.name)).toContain(
      `${c.name} 2만원`,
    );
    const badItem = a.errors.filter((e) => e.includes('400'));
    expect(badItem).toHaveLength(2);
    a.errors.splice(0, a.errors.length, ...a.errors.filter((e) => !badItem.includes(e)));
    await shot(a.page, `${c.name}-08-admin-items`);
    // A linked counselor earns 5,000 of the buyer's bonus points; the settlement shows them.
    const person = await login(app);
    const code = c.name === 'desktop-ko' ? '801' : '802';
    await app.y.consult.counselors.applyLines([
      { code, name: `정산 ${code}`, ratePer30s: 500, grade: '', status: 'online' },
    ]);
    const ids = await app.y.ctx.database.raw(
      'select (select id from consult_counselors where code = $1) as c, (select id from users where email = $2) as p, (select id from users where email = $3) as b',
      [code, person.email, buyer.email],
    );
    const [{ c: counselorId, p: personId, b: buyerId }] = ids.rows as { c: string; p: string; b: string }[];
    await app.y.consult.counselors.link(counselorId, personId);
    const payable = await app.y.consult.wallet.payable(personId);
    const holds = await app.y.consult.wallet.hold({
      id: `e2e-${code}`,
      userId: buyerId,
      creditAccountId: payable.id,
      amount: 5_000,
      kind: 'request',
      ref: 'e2e',
    });
    await app.y.ctx.ledger.postSplit({ id: `e2e-${code}`, holds });
    await a.page.goto(`${app.url}/consult/admin/settlement`);
    await a.page.getByTestId('settlement-table').getByText(`정산 ${code}`).waitFor();
    await shot(a.page, `${c.name}-09-admin-settlement`);
    const [file] = await Promise.all([
      a.page.waitForEvent('download'),
      a.page.getByTestId('settlement-csv').click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^settlement-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(a.errors).toEqual([]);
    await a.context.close();
  }, 180_000);
});
