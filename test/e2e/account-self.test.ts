import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login as apiLogin, client, eventually, startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * The owner's account pages in a real Chromium (PGlite, demo data, built web/dist): forgotten
 * password by mailed code, profile, withdrawal, find-account, and the admin's search by nickname
 * and state with the memo. Korean at desktop width, English at phone width. Screenshots go to
 * /tmp/shots-accounts/.
 */

const shots = '/tmp/shots-accounts';
let app: TestApp;
let browser: Browser;
let admin: Awaited<ReturnType<typeof apiLogin>>;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp('pglite', {}, { serveWeb: true, env: { YEYAK_DEMO: '1' } });
  browser = await launchBrowser();
  admin = await apiLogin(app, 'admin');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const shot = shooter(shots);

/** The code in the newest mail to `email` whose subject matches (read as the admin). */
async function codeFor(email: string, subject: RegExp): Promise<string> {
  const m = await eventually(async () => {
    const list = await admin.api.get<{ messages: { to: string[]; subject: string }[] }>('/api/mailbox');
    return list.body.data!.messages.find((x) => x.to.includes(email) && subject.test(x.subject));
  });
  return /(\d{6})/.exec(m.subject)![1];
}

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 900 },
    forgot: '비밀번호를 잊으셨나요?',
    find: '가입한 이메일이 기억나지 않나요?',
    sendCode: '코드 보내기',
    setPassword: '비밀번호 바꾸기',
    resetDone: '비밀번호를 바꿨습니다.',
    login: '로그인',
    findButton: '메일로 알려 주세요',
    findSent: '결과를 보냈습니다',
    save: '저장',
    saved: '저장했습니다.',
    taken: '이미 쓰이는 닉네임입니다.',
    withdraw: '탈퇴하기',
    wrongPassword: '비밀번호가 올바르지 않습니다.',
    yes: '예',
    withdrawn: '탈퇴가 끝났습니다.',
    suspendedLogin: '정지된 계정입니다.',
    allStates: '모든 상태',
    withdrawnState: '탈퇴함',
    details: '메모·세션',
    memoSaved: '메모를 저장했습니다.',
    badge: '상담사',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    forgot: 'Forgot your password?',
    find: 'Forgot which e-mail you used?',
    sendCode: 'Send code',
    setPassword: 'Change password',
    resetDone: 'Password changed',
    login: 'Log in',
    findButton: 'Mail me the answer',
    findSent: 'We mailed the answer',
    save: 'Save',
    saved: 'Saved.',
    taken: 'this nickname is taken',
    withdraw: 'Delete my account',
    wrongPassword: 'wrong password',
    yes: 'Yes',
    withdrawn: 'Your account is deleted.',
    suspendedLogin: 'this account is suspended',
    allStates: 'All states',
    withdrawnState: 'withdrawn',
    details: 'Memo & sessions',
    memoSaved: 'Memo saved.',
    badge: 'counsellor',
  },
] as const;

describe.each(cases)('account pages ($name)', (c) => {
  it('resets a forgotten password, edits the profile, withdraws, and the admin finds it', async () => {
    const context = await browser.newContext({
      viewport: c.viewport,
      locale: c.lang === 'en' ? 'en-GB' : 'ko-KR',
    });
    await context.addInitScript((l) => localStorage.setItem('yeyak.lang', l), c.lang);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    const person = await apiLogin(app, 'user', `web-${c.name}-${Date.now()}@test.yeyak`);
    const tag = Date.now().toString(36).slice(-5);
    const nick = `${c.lang === 'ko' ? '민지' : 'Mina'}${tag}`;
    // Someone else holds a nickname the person will try first.
    const other = await apiLogin(app, 'user');
    await other.api.patch('/api/auth/profile', { nickname: `taken${tag}` });

    // Forgotten password: from /login, a code by mail, a new password; the old session ends.
    await page.goto(`${app.url}/login`);
    await page.getByRole('link', { name: c.find }).waitFor();
    await page.getByRole('link', { name: c.forgot }).click();
    await page.locator('input[name=email]').fill(person.email);
    await shot(page, `${c.name}-01-forgot`);
    await page.getByRole('button', { name: c.sendCode }).click();
    const code = await codeFor(person.email, /password reset code/);
    await page.locator('input[name=code]').fill(code);
    await page.locator('input[name=password]').fill('a-fresh-password');
    await shot(page, `${c.name}-02-forgot-code`);
    await page.getByRole('button', { name: c.setPassword }).click();
    await page.getByText(c.resetDone).waitFor();
    expect((await person.api.get('/api/auth/me')).status).toBe(401);
    await shot(page, `${c.name}-03-reset-done`);
    await page.locator('input[name=password]').fill('a-fresh-password');
    await page.locator('form').getByRole('button', { name: c.login, exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));

    // Profile: a taken nickname is refused beside its field, a free one is saved.
    await page.getByTestId('user-name').click();
    await page.waitForURL(/\/account$/);
    const profile = page.getByTestId('profile-form');
    await profile.locator('input[name=nickname]').fill(`TAKEN${tag}`);
    await profile.getByRole('button', { name: c.save }).click();
    await profile.getByText(c.taken).waitFor();
    await profile.locator('input[name=nickname]').fill(nick);
    await profile
      .locator('textarea[name=intro]')
      .fill(c.lang === 'ko' ? '주말마다 공연을 봅니다.' : 'Concerts every weekend.');
    await profile.getByRole('button', { name: c.save }).click();
    await profile.getByText(c.saved).waitFor();
    await page.getByTestId('user-name').getByText(nick).waitFor();
    await shot(page, `${c.name}-04-profile`);

    // The admin finds the person by nickname and writes a memo (then makes them a counsellor).
    const id = (
      await client(
        app.url,
        (
          await client(app.url).post<{ token: string }>('/api/auth/login', {
            email: person.email,
            password: 'a-fresh-password',
          })
        ).body.data!.token,
      ).get<{
        user: { id: string };
      }>('/api/auth/me')
    ).body.data!.user.id;
    // The admin in a browser of their own (the token lives in localStorage, per context).
    const adminContext = await browser.newContext({
      viewport: c.viewport,
      locale: c.lang === 'en' ? 'en-GB' : 'ko-KR',
    });
    await adminContext.addInitScript(
      ([l, t]) => {
        localStorage.setItem('yeyak.lang', l);
        localStorage.setItem('yeyak.token', t);
      },
      [c.lang, admin.token] as const,
    );
    const adminPage = await adminContext.newPage();
    adminPage.setDefaultTimeout(20_000);
    await adminPage.goto(`${app.url}/admin/users`);
    await adminPage.locator('input[name=q]').fill(nick.toLowerCase());
    await adminPage.locator('input[name=q]').press('Enter');
    const row = adminPage.getByTestId('user-row').filter({ hasText: person.email });
    await row.waitFor();
    await expect.poll(() => adminPage.getByTestId('user-row').count()).toBe(1);
    await row.getByRole('button', { name: c.details }).click();
    await row.locator('textarea[name=memo]').fill('VIP: called about a refund');
    await row.getByRole('button', { name: c.save }).click();
    await row.getByText(c.memoSaved).waitFor();
    await row.locator('select').selectOption('counselor');
    await shot(adminPage, `${c.name}-05-admin-search`);

    // The person's own answers never carry the memo; the badge shows the new role after reload.
    await page.reload();
    await page.getByTestId('user-name').getByText(c.badge).waitFor();
    expect(await page.content()).not.toContain('VIP');

    // Withdrawal: a wrong password is refused beside the field, the right one ends the account.
    const w = page.getByTestId('withdraw-form');
    await w.scrollIntoViewIfNeeded();
    await w.locator('input[name=password]').fill('not-my-password');
    await w.getByRole('button', { name: c.withdraw }).click();
    await page.getByRole('dialog').getByRole('button', { name: c.yes, exact: true }).click();
    await w.getByText(c.wrongPassword).waitFor();
    await shot(page, `${c.name}-06-withdraw-refused`);
    await w.locator('input[name=password]').fill('a-fresh-password');
    await w.getByRole('button', { name: c.withdraw }).click();
    await page.getByRole('dialog').getByRole('button', { name: c.yes, exact: true }).click();
    await page.getByText(c.withdrawn).waitFor();
    await shot(page, `${c.name}-07-withdrawn`);

    // The admin sees the tombstone under the same id with the "withdrawn" filter.
    await adminPage.reload();
    await adminPage.locator('select[name=state]').selectOption('withdrawn');
    await adminPage.locator('input[name=q]').fill(id);
    await adminPage.locator('input[name=q]').press('Enter');
    const tomb = adminPage.getByTestId('user-row').filter({ hasText: `withdrawn+${id}@invalid` });
    await tomb.getByText(c.withdrawnState, { exact: true }).waitFor();
    await shot(adminPage, `${c.name}-08-admin-withdrawn`);

    // Find-account answers on screen the same way; the mail says there is no account now.
    await page.goto(`${app.url}/find-account`);
    await page.locator('input[name=email]').fill(person.email);
    await page.getByRole('button', { name: c.findButton }).click();
    await page.getByText(c.findSent).waitFor();
    await shot(page, `${c.name}-09-find-account`);
    await eventually(async () => {
      const list = await admin.api.get<{ messages: { to: string[]; subject: string }[] }>('/api/mailbox');
      return list.body.data!.messages.some(
        // No account there now, so the mail speaks the page's language.
        (m) =>
          m.to.includes(person.email) &&
          (c.name.endsWith('-en') ? /account lookup/ : /계정 찾기 결과/).test(m.subject),
      );
    });

    // A suspended account is told so at login, in the page's language.
    const susp = await apiLogin(app, 'user');
    const suspId = (await susp.api.get<{ user: { id: string } }>('/api/auth/me')).body.data!.user.id;
    await admin.api.patch(`/api/admin/users/${suspId}`, { state: 'suspended' });
    await page.goto(`${app.url}/login`);
    await page.locator('input[name=email]').fill(susp.email);
    await page.locator('input[name=password]').fill('password-123');
    await page.locator('form').getByRole('button', { name: c.login, exact: true }).click();
    await page.getByTestId('login-refused').getByText(c.suspendedLogin).waitFor();
    await shot(page, `${c.name}-10-suspended-login`);
    expect(errors).toEqual([]);
    await adminContext.close();
    await context.close();
  });
});
