import { SIM_ACCOUNTS, type SimProvider } from './accounts.ts';

/** The stand-in's HTML: the consent page with its test accounts, Apple's form_post page, errors. */

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const LOOK: Record<SimProvider, { title: string; bg: string; fg: string }> = {
  kakao: { title: '카카오계정으로 로그인 · Kakao', bg: '#FEE500', fg: '#191919' },
  naver: { title: '네이버 아이디로 로그인 · NAVER', bg: '#03C75A', fg: '#FFFFFF' },
  apple: { title: 'Apple로 로그인 · Sign in with Apple', bg: '#000000', fg: '#FFFFFF' },
};

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f4f5;margin:0;padding:24px}
main{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 4px}p{color:#555;font-size:14px}
button{display:block;width:100%;padding:12px;margin:8px 0;border:0;border-radius:8px;font-size:15px;cursor:pointer}
.deny{background:#e4e4e7;color:#222}.note{font-size:12px;color:#888}`;

function page(title: string, body: string, extraHead = ''): string {
  return `<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style>${extraHead}</head><body><main>${body}</main></body></html>`;
}

/** The consent page: one button per test account and a "deny consent" button, posting back here. */
export function consentPage(provider: SimProvider, query: Record<string, string>, clientId: string): string {
  const look = LOOK[provider];
  const hidden = Object.entries(query)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const accounts = SIM_ACCOUNTS[provider]
    .map(
      (a) =>
        `<button type="submit" name="account" value="${esc(a.id)}" style="background:${look.bg};color:${look.fg}" data-account="${esc(a.id)}">${esc(a.label)}</button>`,
    )
    .join('');
  return page(
    look.title,
    `<h1>${esc(look.title)}</h1>
<p>${esc(clientId)} 앱이 로그인을 요청합니다. The app ${esc(clientId)} asks you to sign in.</p>
<form method="post">${hidden}${accounts}
<button type="submit" name="deny" value="1" class="deny" data-deny>동의하지 않음 · Deny consent</button></form>
<p class="note">yeyak 테스트용 대역(stand-in)입니다. A stand-in for tests and the demo: no real account is used.</p>`,
  );
}

/**
 * Apple's form_post: a page that POSTs the answer to the redirect URI. The script is a file beside the
 * page (no inline script), so the page works under a `script-src 'self'` policy.
 */
export function formPostPage(action: string, fields: Record<string, string>, scriptUrl: string): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return page(
    'Apple',
    `<form method="post" action="${esc(action)}" id="apple-form-post">${inputs}<noscript><button type="submit">Continue</button></noscript></form><p>…</p>`,
    `<script src="${esc(scriptUrl)}" defer></script>`,
  );
}

export const AUTOPOST_JS = "document.getElementById('apple-form-post').submit();\n";

export function errorPage(message: string): string {
  return page('error', `<h1>요청 오류 · Bad request</h1><p>${esc(message)}</p>`);
}
