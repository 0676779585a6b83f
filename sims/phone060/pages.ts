import type { CallResult } from './calls.ts';
import { esc, GRADES, type World } from './world.ts';

/** The stand-in's own pages (not the vendor's): register a counselor, simulate a call. No script. */

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}' +
  'h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:2rem}table{border-collapse:collapse;width:100%}' +
  'th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}' +
  'form.grid{display:grid;grid-template-columns:auto 1fr;gap:.5rem 1rem;align-items:center;max-width:30rem}' +
  'input,select,button{font-size:1rem;padding:.35rem .5rem}button{cursor:pointer}' +
  '.note{color:#555}.err{color:#a00}.ok{color:#060}nav a{margin-right:1rem}' +
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dd{margin:0;font-weight:600}';

const page = (prefix: string, title: string, body: string) =>
  `<!doctype html><html lang="ko"><head><meta charset="utf-8"><link rel="icon" href="data:,">` +
  `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>` +
  `<style>${STYLE}</style></head><body><nav><a href="${esc(prefix)}/admin">상담사 관리 (Counselors)</a>` +
  `<a href="${esc(prefix)}/simulate">통화 시뮬레이션 (Simulate a call)</a></nav>${body}</body></html>`;

const STATUS_KO: Record<string, string> = {
  online: '대기 (online)',
  offline: '부재 (offline)',
  busy: '통화중 (busy)',
};

export function adminPage(prefix: string, world: World, message?: { ok: boolean; text: string }) {
  const rows = [...world.counselors.values()]
    .map(
      (c) =>
        `<tr data-code="${esc(c.code)}"><td>${esc(c.code)}</td><td>${esc(c.nickname)}</td><td>${esc(c.grade)}</td>` +
        `<td>${c.rate.toLocaleString('ko-KR')}</td><td>${STATUS_KO[c.status] ?? esc(c.status)}</td></tr>`,
    )
    .join('');
  const lines = [...world.lines.entries()]
    .map(
      ([phone, l]) =>
        `<tr><td>${esc(phone)}</td><td>${l.balance}</td><td>${l.inCall ? '통화중 (in a call)' : ''}</td></tr>`,
    )
    .join('');
  const grades = GRADES.map((g) => `<option value="${g}">${g}</option>`).join('');
  return page(
    prefix,
    '060 상담 서비스 (stand-in)',
    `<h1>060 상담 서비스 · 상담사 (060 service stand-in · counselors)</h1>
${message ? `<p class="${message.ok ? 'ok' : 'err'}" role="status">${esc(message.text)}</p>` : ''}
<table><thead><tr><th>코드 (code)</th><th>이름 (name)</th><th>등급 (grade)</th><th>30초당 요금 (rate / 30 s)</th><th>상태 (status)</th></tr></thead><tbody>${rows}</tbody></table>
<h2>상담사 등록 (Register a counselor at the 060 service)</h2>
<form class="grid" method="post" action="${esc(prefix)}/admin/counselors">
<label for="code">코드 (code, 3 digits; empty: next free)</label><input id="code" name="code" inputmode="numeric" pattern="\\d{3}" maxlength="3">
<label for="nickname">이름 (name)</label><input id="nickname" name="nickname" required maxlength="20">
<label for="grade">등급 (grade)</label><select id="grade" name="grade">${grades}</select>
<label for="email">이메일 (e-mail, optional)</label><input id="email" name="email" type="email" maxlength="254">
<label for="rate">30초당 요금 (rate per 30 s)</label><input id="rate" name="rate" type="number" min="100" max="10000" step="100" value="1000" required>
<span></span><button type="submit" data-testid="phone060-register">등록 (Register)</button>
</form>
<h2>선불 회선 (Prepaid lines)</h2>
<table><thead><tr><th>전화번호 (phone)</th><th>남은 초 (seconds left)</th><th></th></tr></thead><tbody>${lines || '<tr><td colspan="3" class="note">없음 (none)</td></tr>'}</tbody></table>
<p class="note">웹훅 (webhook): ${world.webhookUrl ? esc(world.webhookUrl) : '미등록 (not registered)'}</p>`,
  );
}

export function simulatePage(
  prefix: string,
  world: World,
  outcome?: { ok: true; call: CallResult } | { ok: false; text: string },
  asked: { phone?: string; code?: string } = {},
) {
  const options = [...world.counselors.values()]
    .map(
      (c) =>
        `<option value="${esc(c.code)}"${c.code === asked.code ? ' selected' : ''}>${esc(c.code)} ${esc(c.nickname)} — ${STATUS_KO[c.status] ?? esc(c.status)}</option>`,
    )
    .join('');
  let result = '';
  if (outcome?.ok) {
    const c = outcome.call;
    result = `<dl data-testid="phone060-result"><dt>통화 ID (call id)</dt><dd>${esc(c.call_id)}</dd>
<dt>통화 시간 (talk)</dt><dd>${c.talk_seconds}초 (s)</dd><dt>과금 (billed)</dt><dd data-testid="phone060-billed">${c.billed_seconds}초 (s)</dd>
<dt>남은 시간 (left on the line)</dt><dd>${c.balance_seconds}초 (s)</dd><dt>상담권 (ticket)</dt><dd>${c.ticket_id ? esc(c.ticket_id) : '없음 (none)'}</dd>
<dt>상태 (state)</dt><dd>${c.state === 'ended' ? '종료 (ended)' : '통화중 (in a call)'}</dd></dl>`;
  } else if (outcome) {
    result = `<p class="err" role="alert">${esc(outcome.text)}</p>`;
  }
  return page(
    prefix,
    '통화 시뮬레이션 (stand-in)',
    `<h1>통화 시뮬레이션 (Simulate a call)</h1>
<p class="note">선불 시간이 있는 번호로 상담사에게 전화를 겁니다. 안내음 뒤 통화 시간만 과금되며, 30초 단위로 올림합니다.
(Calls a counselor from a phone with prepaid time; only talk after the tone is billed, rounded up to 30 s.)</p>
${result}
<form class="grid" method="post" action="${esc(prefix)}/simulate/call">
<label for="phone">발신 번호 (caller phone)</label><input id="phone" name="phone" required placeholder="01012345678" maxlength="13" value="${esc(asked.phone ?? '')}">
<label for="code">상담사 (counselor)</label><select id="code" name="code">${options}</select>
<label for="seconds">통화 시간, 초 (talk seconds)</label><input id="seconds" name="seconds" type="number" min="0" max="14400" value="95" required>
<label for="delay">종료까지 지연, 밀리초 (end after, ms)</label><input id="delay" name="delayMs" type="number" min="0" max="600000" value="0">
<span></span><button type="submit" data-testid="phone060-call">전화 걸기 (Call)</button>
</form>
<h2>웹훅 전달 (Webhook deliveries, latest first)</h2>
<p class="note">웹훅 (webhook): ${world.webhookUrl ? esc(world.webhookUrl) : '미등록 (not registered)'}</p>
<table><thead><tr><th>이벤트 (event)</th><th>통화 ID (call id)</th><th>응답 (answers)</th><th>전달됨 (delivered)</th></tr></thead><tbody>${
      world.deliveries
        .slice(-10)
        .reverse()
        .map(
          (d) =>
            `<tr><td>${esc(d.type)}</td><td>${esc(d.callId)}</td><td>${d.attempts.map((a) => (a.status ? String(a.status) : 'error')).join(', ')}</td><td>${d.delivered ? '예 (yes)' : '아니오 (no)'}</td></tr>`,
        )
        .join('') || '<tr><td colspan="4" class="note">없음 (none)</td></tr>'
    }</tbody></table>`,
  );
}
