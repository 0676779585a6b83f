import { generateKeyPair } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_ACCOUNTS } from '../../sims/oauth/accounts.ts';
import type { OAuthConfig, Provider } from '../../src/platform/oauth/config.ts';
import { STAND_IN_PATHS } from '../../src/platform/oauth/providers.ts';
import { client } from '../helpers.ts';

/**
 * Drives a social sign-in over plain HTTP, the way a browser would: start at yeyak, open the
 * stand-in's consent page, pick an account (or deny), follow the answer back to yeyak's callback
 * (a redirect, or Apple's form POST), and read where yeyak sends the browser.
 */

export const ACCOUNT = {
  kakao: SIM_ACCOUNTS.kakao[0],
  kakaoNoEmail: SIM_ACCOUNTS.kakao[1],
  naver: SIM_ACCOUNTS.naver[0],
  apple: SIM_ACCOUNTS.apple[0],
  appleRelay: SIM_ACCOUNTS.apple[1],
};

/** A .p8 file like Apple's (PKCS #8 PEM, P-256) in a temporary folder. */
export async function writeP8(): Promise<string> {
  const pem = await new Promise<string>((ok, fail) =>
    generateKeyPair(
      'ec',
      {
        namedCurve: 'P-256',
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      },
      (err, _pub, priv) => (err ? fail(err) : ok(priv)),
    ),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'yeyak-p8-')), 'AuthKey_TESTKEY123.p8');
  writeFileSync(file, pem, { mode: 0o600 });
  return file;
}

/** yeyak's OAuth settings pointing every provider at a stand-in running at `sim` (…/sim/oauth). */
export function standInConfig(sim: string, p8File: string): OAuthConfig {
  const at = (p: Provider) => {
    const paths = STAND_IN_PATHS[p];
    return {
      authorizeUrl: `${sim}/${p}${paths.authorize}`,
      tokenUrl: `${sim}/${p}${paths.token}`,
      userinfoUrl: paths.userinfo && `${sim}/${p}${paths.userinfo}`,
      jwksUrl: paths.jwks && `${sim}/${p}${paths.jwks}`,
    };
  };
  return {
    kakao: {
      ...at('kakao'),
      clientId: 'kakao-test-app',
      clientSecret: 'kakao-secret',
      scope: 'openid account_email profile_nickname',
    },
    naver: { ...at('naver'), clientId: 'naver-test-app', clientSecret: 'naver-secret' },
    apple: {
      ...at('apple'),
      clientId: 'test.yeyak.web',
      teamId: 'TEAMTEST01',
      keyId: 'TESTKEY123',
      privateKeyFile: p8File,
    },
  };
}

const htmlText = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export type Callback = { method: 'GET' | 'POST'; url: string; form?: Record<string, string> };

/** Start at yeyak and answer the stand-in's consent page; returns the callback the browser would make. */
export async function consent(
  base: string,
  provider: Provider,
  choice: { account?: string; deny?: boolean; tamper?: string; next?: string },
): Promise<{ binding: string; callback: Callback; authorizeUrl: string }> {
  const started = await client(base).post<{ url: string; binding: string }>(
    `/api/auth/oauth/${provider}/start`,
    {
      ...(choice.next ? { next: choice.next } : {}),
    },
  );
  if (started.status !== 200) throw new Error(`start: ${JSON.stringify(started.body)}`);
  const { url, binding } = started.body.data!;
  const page = await fetch(url);
  if (page.status !== 200) throw new Error(`consent page ${page.status}: ${await page.text()}`);
  const u = new URL(url);
  const form = new URLSearchParams(u.searchParams);
  if (choice.deny) form.set('deny', '1');
  else form.set('account', choice.account ?? '');
  if (choice.tamper) form.set('tamper', choice.tamper);
  const res = await fetch(u.origin + u.pathname, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (res.status === 302)
    return { binding, authorizeUrl: url, callback: { method: 'GET', url: res.headers.get('location')! } };
  const html = await res.text();
  const action = /action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no answer from the consent page: ${res.status} ${html.slice(0, 200)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]] = htmlText(m[2]);
  return { binding, authorizeUrl: url, callback: { method: 'POST', url: htmlText(action), form: fields } };
}

/** Makes the callback request at yeyak (`base` replaces the public address); answers status and Location. */
export async function callBack(base: string, cb: Callback, accept = 'application/json') {
  const u = new URL(cb.url);
  const target = base + u.pathname + u.search;
  const res = await fetch(target, {
    method: cb.method,
    redirect: 'manual',
    headers: {
      accept,
      ...(cb.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: cb.method === 'POST' ? new URLSearchParams(cb.form) : undefined,
  });
  const text = await res.text();
  let body: { code: number; description: string; data?: Record<string, unknown> } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const location = res.headers.get('location') ?? '';
  const handoff = location ? new URL(location, base).searchParams.get('handoff') : null;
  return { status: res.status, location, handoff, body };
}

/** The whole sign-in: consent, callback, handoff. Answers the handoff's envelope. */
export async function signIn(
  base: string,
  provider: Provider,
  choice: { account?: string; tamper?: string; next?: string },
) {
  const { binding, callback } = await consent(base, provider, choice);
  const back = await callBack(base, callback);
  if (!back.handoff) return { back, binding, handoff: undefined };
  const handoff = await client(base).post<{
    token: string;
    next: string;
    user: { id: string; email: string; name: string; verified: boolean };
    link?: string;
    methods?: string[];
  }>('/api/auth/oauth/handoff', { handoff: back.handoff, binding });
  return { back, binding, handoff };
}
