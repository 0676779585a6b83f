import { describe, expect, it } from 'vitest';
import { SIM_PHONE060_KEY, SIM_PHONE060_WEBHOOK_SECRET } from '../../sims/phone060/index.ts';
import { type Phone060CallEnded, verifyPhone060Webhook } from '../../src/modules/consult/phone060/index.ts';
import {
  deliveries,
  failDeliveries,
  failure,
  newPhone,
  phone060,
  post,
  received,
  resetReceived,
  sim,
  simulate,
  statusOf,
  usePhone060StandIn,
} from './phone060-fixture.ts';

usePhone060StandIn();

describe('phone060 simulated calls and signed webhooks', () => {
  it('a call sends signed call.started then call.ended; billed is rounded up to 30 s and deducted', async () => {
    const phone = newPhone();
    await phone060.chargeTime(phone, 600, `s-${phone}`);
    const ticket = await phone060.purchase('102', phone, `s-${phone}-t`);
    const r = await simulate(phone, '102', 95);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      state: 'ended',
      talk_seconds: 95,
      billed_seconds: 120,
      balance_seconds: 480,
    });
    expect(received.map((x) => x.event?.type)).toEqual(['call.started', 'call.ended']);
    const [started, ended] = received;
    expect(started.headers['x-060-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(started.statusDuringStart).toBe('busy');
    expect(await statusOf('102')).toBe('online');
    const e = ended.event as Phone060CallEnded;
    expect(e).toMatchObject({
      type: 'call.ended',
      callId: r.body.call_id,
      caller: phone,
      code: '102',
      ticketId: ticket.ticketId,
      talkSeconds: 95,
      billedSeconds: 120,
    });
    expect(started.event?.callId).toBe(e.callId);
    expect(Date.parse(e.endedAt) - Date.parse(e.startedAt)).toBe(95_000);
    expect(await phone060.balance(phone)).toBe(480);
    // The ticket was used up: the next call carries none.
    await simulate(phone, '102', 30);
    expect((received[3].event as Phone060CallEnded).ticketId).toBeNull();
  });

  it('billing never exceeds the prepaid time, and a call without prepaid time does not connect', async () => {
    const cases: [prepaid: number, talk: number, billed: number][] = [
      [600, 700, 600],
      [50, 45, 50],
      [600, 30, 30],
      [600, 31, 60],
      [600, 0, 0],
    ];
    for (const [prepaid, talk, billed] of cases) {
      const phone = newPhone();
      await phone060.chargeTime(phone, prepaid, `cap-${phone}`);
      resetReceived();
      const r = await simulate(phone, '103', talk);
      expect(r.body.billed_seconds, `${prepaid} s prepaid, ${talk} s talk`).toBe(billed);
      expect((received[1].event as Phone060CallEnded).billedSeconds).toBe(billed);
      expect(await phone060.balance(phone)).toBe(prepaid - billed);
    }
    resetReceived();
    const none = await simulate(newPhone(), '103', 60);
    expect(none.status).toBe(409);
    expect(none.body.error?.code).toBe('INSUFFICIENT_TIME');
    const phone = newPhone();
    await phone060.chargeTime(phone, 60, `off-${phone}`);
    const off = await simulate(phone, '104', 60);
    expect(off.status).toBe(409);
    expect(off.body.error?.code).toBe('COUNSELOR_UNAVAILABLE');
    expect((await simulate(phone, '10', 60)).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('a delivery that is not answered 2xx is tried again, and every try is recorded', async () => {
    const phone = newPhone();
    await phone060.chargeTime(phone, 120, `retry-${phone}`);
    failDeliveries(2);
    const r = await simulate(phone, '105', 40);
    expect(r.status).toBe(200);
    const mine = (await deliveries()).filter((d) => d.callId === r.body.call_id);
    expect(mine.map((d) => d.type)).toEqual(['call.started', 'call.ended']);
    expect(mine[0].attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(mine[0].delivered).toBe(true);
    expect(mine[1].attempts.map((a) => a.status)).toEqual([200]);
    // Each try is signed afresh, over the same body.
    expect(received.filter((x) => x.raw === mine[0].body)).toHaveLength(3);
  });

  it('a delayed call keeps the counselor busy and the line held until it ends', async () => {
    const phone = newPhone();
    await phone060.chargeTime(phone, 300, `delay-${phone}`);
    const r = await simulate(phone, '101', 61, 400);
    expect(r.body).toMatchObject({ state: 'in_call', billed_seconds: 90 });
    expect(await statusOf('101')).toBe('busy');
    expect((await simulate(phone, '103', 10)).body.error?.code).toBe('LINE_BUSY');
    expect((await failure(phone060.returnTime(phone, 30, `delay-${phone}-r`))).kind).toBe('conflict');
    const end = Date.now() + 5000;
    while (!received.some((x) => x.event?.type === 'call.ended') && Date.now() < end)
      await new Promise((res) => setTimeout(res, 50));
    const ended = received.find((x) => x.event?.type === 'call.ended')?.event as Phone060CallEnded;
    expect(ended.billedSeconds).toBe(90);
    expect(await statusOf('101')).toBe('online');
    expect(await phone060.balance(phone)).toBe(210);
  });

  it('an expired ticket is not attached to a call', async () => {
    const phone = newPhone();
    await phone060.chargeTime(phone, 120, `exp-${phone}`);
    await phone060.purchase('103', phone, `exp-${phone}-t`);
    expect((await post('/admin/clock', { advanceSeconds: 31 * 60 })).status).toBe(200);
    await simulate(phone, '103', 20);
    expect((received[1].event as Phone060CallEnded).ticketId).toBeNull();
  });

  it('a tampered body, a wrong secret and a stale timestamp are refused', async () => {
    const phone = newPhone();
    await phone060.chargeTime(phone, 120, `tamper-${phone}`);
    await simulate(phone, '105', 50);
    const { raw, headers } = received[1];
    const sent = Number(headers['x-060-timestamp']) * 1000;
    expect(verifyPhone060Webhook(raw, headers, SIM_PHONE060_WEBHOOK_SECRET, sent).ok).toBe(true);
    const tampered = raw.replace('"billedSeconds":60', '"billedSeconds":30');
    expect(tampered).not.toBe(raw);
    expect(verifyPhone060Webhook(tampered, headers, SIM_PHONE060_WEBHOOK_SECRET, sent)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyPhone060Webhook(raw, headers, 'another-secret-0000000000', sent)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyPhone060Webhook(raw, headers, SIM_PHONE060_WEBHOOK_SECRET, sent + 301_000)).toMatchObject({
      ok: false,
      reason: 'stale',
    });
    expect(verifyPhone060Webhook(raw, headers, SIM_PHONE060_WEBHOOK_SECRET, sent + 299_000).ok).toBe(true);
  });
});

describe('phone060 stand-in pages', () => {
  it('the admin page lists counselors in Korean and English and its form registers one', async () => {
    const page = await fetch(`${sim.url}/admin`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const text = await page.text();
    expect(text).toContain('상담사 등록');
    expect(text).toContain('Register a counselor');
    expect(text).toContain('한별 도사');
    const res = await fetch(`${sim.url}/admin/counselors`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code: '',
        nickname: '<b>별하</b>',
        grade: 'gold',
        rate: '1200',
      }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sim/phone060/admin?added=106');
    const after = await (await fetch(`${sim.url}/admin?added=106`)).text();
    expect(after).toContain('&lt;b&gt;별하&lt;/b&gt;');
    expect(after).not.toContain('<b>별하</b>');
    expect((await phone060.listCounselors()).find((c) => c.code === '106')).toEqual({
      code: '106',
      name: '<b>별하</b>',
      grade: 'gold',
      ratePer30s: 1200,
      status: 'online',
    });
    const dup = await post('/admin/counselors', { code: '106', nickname: 'x', grade: 'gold', rate: 1000 });
    expect(dup.status).toBe(409);
    const bad = await post('/admin/counselors', { nickname: 'x', grade: 'platinum', rate: 1000 });
    expect(bad.status).toBe(400);
  });

  it('the simulate page calls through its form and shows what was billed', async () => {
    const phone = newPhone();
    await phone060.chargeTime(phone, 90, `page-${phone}`);
    const form = await (await fetch(`${sim.url}/simulate`)).text();
    expect(form).toContain('통화 시뮬레이션');
    expect(form).toContain('Simulate a call');
    const res = await fetch(`${sim.url}/simulate/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ phone, code: '105', seconds: '61', delayMs: '' }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/data-testid="phone060-billed">90초/);
    const none = await fetch(`${sim.url}/simulate/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ phone, code: '105', seconds: '10' }).toString(),
    });
    expect(none.status).toBe(409);
    expect(await none.text()).toContain('INSUFFICIENT_TIME');
  });
});

describe('phone060 stand-in input', () => {
  it('odd input to any of its routes is a 4xx, never a 5xx, and changes nothing', async () => {
    const state = async () => {
      const { now: _, ...rest } = (await (await fetch(`${sim.url}/admin/state`)).json()) as { now: string };
      return JSON.stringify(rest);
    };
    const before = await state();
    const auth = { authorization: `Bearer ${SIM_PHONE060_KEY}` };
    const routes: [string, string][] = [
      ['PUT', '/v1/counselors/101/status'],
      ['PUT', '/v1/counselors/abc/status'],
      ['GET', '/v1/lines/abc'],
      ['POST', '/v1/lines/01012345678/charge'],
      ['POST', '/v1/lines/01012345678/return'],
      ['POST', '/v1/lines/x/charge'],
      ['POST', '/v1/reservations'],
      ['POST', '/v1/tickets'],
      ['PUT', '/v1/webhook'],
      ['POST', '/admin/counselors'],
      ['POST', '/admin/clock'],
      ['POST', '/simulate/call'],
    ];
    const bodies = [
      'null',
      '[]',
      '"x"',
      '{',
      JSON.stringify({ seconds: '60', ref: 'r', status: 'sleeping', code: 101, phone: 1, at: 'x', url: 5 }),
      JSON.stringify({
        seconds: -1,
        ref: 'a b',
        code: '10a',
        phone: '0101234567890',
        at: '2000-01-01T00:00:00Z',
      }),
      JSON.stringify({
        seconds: 1e12,
        ref: 'x'.repeat(101),
        nickname: 'x'.repeat(21),
        grade: 'gold',
        rate: 99,
      }),
      JSON.stringify({
        advanceSeconds: -5,
        delayMs: 'soon',
        phone: '01012345678',
        code: '101',
        seconds: 99999,
      }),
    ];
    for (const [method, path] of routes) {
      for (const body of method === 'GET' ? [undefined] : bodies) {
        const res = await fetch(sim.url + path, {
          method,
          headers: { ...auth, 'content-type': 'application/json' },
          body,
        });
        expect(res.status, `${method} ${path} ${body}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path} ${body}`).toBeLessThan(500);
      }
    }
    expect(await state()).toBe(before);
  });
});
