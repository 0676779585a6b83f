import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createYeyak } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { modules } from '../../src/modules.ts';
import { defineModule } from '../../src/platform/module.ts';
import { login, TEST_OUTBOUND_ALLOW, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * Paying in a real Chromium, in demo mode: the adapter finds the Payletter stand-in inside yeyak
 * (`${selfUrl}/sim/payletter`), the buyer presses pay, fail or cancel on the stand-in's page, the
 * gateway's form post brings the browser back, and the result page says what happened; the admin
 * refunds part of a payment on /admin/payments. Desktop in Korean, phone in English.
 */

declare module '../../src/platform/module.ts' {
  interface ModuleApis {
    coffee: Record<string, never>;
  }
}

/** A module that sells coffee vouchers: the purpose the orders are for. */
const coffee = defineModule({
  name: 'coffee',
  create: (ctx) => {
    ctx.payments.register({
      name: 'coffee',
      check: async ({ amount }) => ({ productName: `커피 쿠폰 ${amount}원` }),
    });
    return { api: {} };
  },
});

const shots = '/tmp/shots-payments';
let app: TestApp;
let browser: Browser;

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function open(lang: 'ko' | 'en', viewport: { width: number; height: number }, token: string) {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
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

/** Starts an order as the logged-in buyer (what a module's page would do) and opens the gateway page. */
async function startPaying(page: Page, amount: number, device: 'pc' | 'mobile') {
  await page.goto(`${app.url}/`);
  const started = await page.evaluate(
    async ([a, d]) => {
      const res = await fetch('/api/payments/orders', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${localStorage.getItem('yeyak.token')}`,
        },
        body: JSON.stringify({ purpose: 'coffee', ref: `voucher-${a}`, amount: a, device: d }),
      });
      return (await res.json()) as { data: { orderId: string; redirectUrl: string } };
    },
    [amount, device] as const,
  );
  await page.goto(started.data.redirectUrl);
  return started.data;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // Listening through yeyak's own listen(), so selfUrl() is this server and demo mode finds its stand-in.
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
    modules: [...modules, coffee],
  });
  await y.start();
  await y.listen();
  const address = y.app?.server.address() as AddressInfo;
  // The browser uses `localhost` (PUBLIC_URL) while yeyak calls its stand-in on 127.0.0.1 (selfUrl):
  // the buyer must still stay on one origin from the payment page back to the result page.
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
    viewport: { width: 1280, height: 900 },
    device: 'pc',
    paid: '결제가 완료되었습니다.',
    failed: '결제가 실패했습니다.',
    cancelled: '결제가 취소되었습니다.',
    pending: '결제를 확인하고 있습니다…',
    refund: '환불',
    yes: '예',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    device: 'mobile',
    paid: 'Payment complete.',
    failed: 'The payment failed.',
    cancelled: 'The payment was cancelled.',
    pending: 'Checking your payment…',
    refund: 'Refund',
    yes: 'Yes',
  },
] as const;

describe.each(cases)('paying through the Payletter stand-in ($name)', (c) => {
  it('pays, fails and cancels, landing on the result page each time', async () => {
    const buyer = await login(app);
    const w = await open(c.lang, c.viewport, buyer.token);
    const { page } = w;
    const paid = await startPaying(page, 4500, c.device);
    expect(new URL(paid.redirectUrl).searchParams.get('location')).toBe(
      c.device === 'pc' ? 'online' : 'mobile',
    );
    await page.getByTestId('payletter-amount').getByText('4,500원').waitFor();
    await shot(page, `${c.name}-01-gateway`);
    await page.getByTestId('payletter-pay').click();
    await page.waitForURL(new RegExp(`/payments/result/${paid.orderId}$`));
    await page.getByTestId('payment-paid').getByText(c.paid).waitFor();
    await shot(page, `${c.name}-02-paid`);

    const failed = await startPaying(page, 3000, c.device);
    await page.getByTestId('payletter-fail').click();
    await page.waitForURL(new RegExp(`/payments/result/${failed.orderId}$`));
    await page.getByTestId('payment-failed').getByText(c.failed).waitFor();
    await shot(page, `${c.name}-03-failed`);

    const left = await startPaying(page, 2000, c.device);
    await page.getByTestId('payletter-cancel').click();
    await page.waitForURL(new RegExp(`/payments/result/${left.orderId}$`));
    await page.getByTestId('payment-cancelled').getByText(c.cancelled).waitFor();
    await shot(page, `${c.name}-04-cancelled`);
    // A result with a forged hash (the stand-in's switch) is refused: the order stays unconfirmed.
    const forged = await startPaying(page, 1000, c.device);
    await page.goto(`${forged.redirectUrl}&fault=wrong-hash`);
    await page.getByTestId('payletter-pay').click();
    await page.waitForURL(new RegExp(`/payments/result/${forged.orderId}\\?problem=bad_signature$`));
    await page.getByTestId('payment-problem').waitFor();
    await page.getByTestId('payment-created').getByText(c.pending).waitFor();
    await shot(page, `${c.name}-04b-refused`);
    expect((await app.y.ctx.payments.get(forged.orderId))?.state).toBe('created');
    await page.getByTestId('payment-back').click();
    await page.waitForURL(`${app.url}/`);
    expect(w.errors).toEqual([]);
    await w.context.close();

    // The admin refunds 1,500 of the paid 4,500, after saying yes.
    const admin = await login(app, 'admin');
    const a = await open(c.lang, c.viewport, admin.token);
    await a.page.goto(`${app.url}/admin/payments`);
    const row = a.page
      .getByTestId('payment-row')
      .filter({ hasText: buyer.email })
      .filter({ hasText: '4,500' });
    await row.waitFor();
    await row.getByTestId('refund-amount').fill('1500');
    await row.getByRole('button', { name: c.refund, exact: true }).click();
    await shot(a.page, `${c.name}-05-refund-confirm`);
    await a.page.getByRole('dialog').getByRole('button', { name: c.yes }).click();
    await a.page
      .locator(`[data-testid=payment-row][data-state=refunded]`)
      .filter({ hasText: buyer.email })
      .waitFor();
    await shot(a.page, `${c.name}-06-admin-refunded`);
    const order = await app.y.ctx.payments.get(paid.orderId);
    expect(order).toMatchObject({ state: 'refunded', refundedAmount: 1500 });
    expect(a.errors).toEqual([]);
    await a.context.close();
  }, 120_000);
});
