import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_ACCOUNTS } from '../../sims/oauth/accounts.ts';
import { createLogger, createYeyak, type Yeyak } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * Social sign-in in a real Chromium against a demo yeyak with nothing configured: the buttons lead
 * to the stand-in served inside yeyak (/sim/oauth, under yeyak's own security headers), the chosen
 * test account comes back (Apple's as a form POST), the handoff page logs in. Korean at desktop
 * width, English at phone width. Screenshots: /tmp/shots-oauth/.
 */

const shots = '/tmp/shots-oauth';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let y: Yeyak;
let base: string;
let browser: Browser;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // A demo server on a known address: its stand-in and its callbacks use PUBLIC_URL and the bound port.
  const config = {
    ...loadConfig({
      YEYAK_DEMO: '1',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: base,
      PORT: String(port),
      HOST: '127.0.0.1',
    }),
    dataDir: 'memory://',
  };
  y = await createYeyak(config, {
    logger: createLogger('warn'),
    serveWeb: true,
    pollingIntervalSeconds: 0.5,
  });
  await y.start();
  await y.listen();
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await y?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: DESKTOP,
    kakao: '카카오로 계속하기',
    naver: '네이버로 계속하기',
    apple: 'Apple로 계속하기',
    kakaoAccount: SIM_ACCOUNTS.kakao[0],
    appleAccount: SIM_ACCOUNTS.apple[0],
    linkTitle: '기존 계정에 연결하기',
    confirm: '확인하고 연결하기',
    deniedText: '카카오 로그인에 동의하지 않아',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: PHONE,
    kakao: 'Continue with Kakao',
    naver: 'Continue with NAVER',
    apple: 'Continue with Apple',
    kakaoAccount: SIM_ACCOUNTS.kakao[1],
    appleAccount: SIM_ACCOUNTS.apple[1],
    linkTitle: 'Link to your account',
    confirm: 'Confirm and link',
    deniedText: 'You did not give Kakao your consent',
  },
] as const;

async function open(lang: 'ko' | 'en', viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
  await context.addInitScript((l) => localStorage.setItem('yeyak.lang', l), lang);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    // A link that needs proof is answered 409 on purpose.
    if (res.status() >= 400 && !(res.status() === 409 && res.url().endsWith('/api/auth/oauth/handoff')))
      errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return { page, context, errors };
}

const shot = shooter(shots, { at: 'here' });

/** /login?next=… → the provider's button → the stand-in's consent page. */
async function toConsent(page: Page, button: string, next = '/mailbox') {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL(/\/sim\/oauth\//);
}

describe.each(cases)('social sign-in in the web ($name)', (c) => {
  it('Kakao: the buttons, the stand-in, back logged in at `next`', async () => {
    const w = await open(c.lang, c.viewport);
    await w.page.goto(`${base}/login`);
    await w.page.getByTestId('social-login').waitFor();
    await shot(w.page, `${c.name}-01-login-buttons`);
    await toConsent(w.page, c.kakao);
    await shot(w.page, `${c.name}-02-kakao-consent`);
    await w.page.locator(`[data-account="${c.kakaoAccount.id}"]`).click();
    await w.page.waitForURL(`${base}/mailbox`);
    await expect.poll(() => w.page.getByTestId('user-name').textContent()).toContain(c.kakaoAccount.name);
    await shot(w.page, `${c.name}-03-kakao-done`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('Apple: the form_post answer comes back and logs in', async () => {
    const w = await open(c.lang, c.viewport);
    await toConsent(w.page, c.apple, '/');
    await w.page.locator(`[data-account="${c.appleAccount.id}"]`).click();
    await w.page.waitForURL(`${base}/`);
    await expect.poll(() => w.page.getByTestId('user-name').textContent()).toContain(c.appleAccount.name);
    await shot(w.page, `${c.name}-04-apple-done`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('Naver with an existing account’s e-mail: the account proves itself before anything links', async () => {
    const w = await open(c.lang, c.viewport);
    // Korean run: the demo buyer, proven by its password. English run: an account proven by a mailed code.
    const naver = c.lang === 'ko' ? SIM_ACCOUNTS.naver[1] : SIM_ACCOUNTS.naver[0];
    if (c.lang === 'en') {
      await y.auth.addUser({ email: naver.email!, password: 'password-123', role: 'user', name: 'Jihoon' });
    }
    await toConsent(w.page, c.naver);
    await w.page.locator(`[data-account="${naver.id}"]`).click();
    await w.page.getByRole('heading', { name: c.linkTitle }).waitFor();
    await shot(w.page, `${c.name}-05-naver-link`);
    if (c.lang === 'ko') {
      // A wrong password first: said in Korean, nothing linked.
      await w.page.locator('input[name=password]').fill('not-the-password');
      await w.page.getByRole('button', { name: c.confirm }).first().click();
      await w.page.getByText('비밀번호가 맞지 않습니다. 아무것도 연결되지 않았습니다.').waitFor();
      // That 400 was the point; nothing else went wrong before it.
      expect(w.errors).toEqual([
        expect.stringMatching(/^http 400: POST .*\/api\/auth\/oauth\/link\/confirm$/),
      ]);
      w.errors.length = 0;
      await w.page.locator('input[name=password]').fill('yeyak-demo');
      await w.page.getByRole('button', { name: c.confirm }).first().click();
    } else {
      await w.page.getByRole('button', { name: 'Mail me a code' }).click();
      const mail = await expect
        .poll(async () => (await y.ctx.mailbox.list({ onlyTo: naver.email! }))[0]?.subject ?? '', {
          timeout: 15_000,
        })
        .toMatch(/\d{6}/)
        .then(async () => (await y.ctx.mailbox.list({ onlyTo: naver.email! }))[0].subject);
      await w.page.locator('input[name=code]').fill(/(\d{6})/.exec(mail)![1]);
      await shot(w.page, `${c.name}-05b-naver-code`);
      await w.page.getByRole('button', { name: c.confirm }).last().click();
    }
    await w.page.waitForURL(`${base}/mailbox`);
    await expect
      .poll(() => w.page.getByTestId('user-name').textContent())
      .toContain(c.lang === 'ko' ? '김예약' : 'Jihoon');
    await shot(w.page, `${c.name}-06-naver-done`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('consent denied: the reason, in the reader’s language', async () => {
    const w = await open(c.lang, c.viewport);
    await toConsent(w.page, c.kakao);
    await w.page.locator('[data-deny]').click();
    await w.page.getByTestId('oauth-error').waitFor();
    expect(await w.page.getByTestId('oauth-error').textContent()).toContain(c.deniedText);
    await shot(w.page, `${c.name}-07-denied`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('a sign-in finished in another tab does not log this one in', async () => {
    const w = await open(c.lang, c.viewport);
    await toConsent(w.page, c.kakao);
    // The binding secret lives in the starting tab only; a fresh tab lacks it.
    await w.page.evaluate(() => sessionStorage.clear());
    await w.page.locator(`[data-account="${c.kakaoAccount.id}"]`).click();
    await w.page.getByTestId('oauth-error').waitFor();
    expect(await w.page.getByTestId('oauth-error').getAttribute('data-reason')).toBe('binding');
    expect(await w.page.getByTestId('user-name').count()).toBe(0);
    // The page opened without a code says so instead of waiting forever.
    await w.page.goto(`${base}/login/oauth`);
    expect(await w.page.getByTestId('oauth-error').getAttribute('data-reason')).toBe('handoff');
    await w.context.close();
  });
});
