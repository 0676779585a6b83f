import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SIM_PHONE060_KEY } from '../../sims/phone060/index.ts';
import { isPhone060Error, Phone060 } from '../../src/modules/consult/phone060/index.ts';
import { failure, newPhone, phone060, sim, statusOf, usePhone060StandIn } from './phone060-fixture.ts';

usePhone060StandIn();

describe('phone060 adapter against the stand-in', () => {
  it('lists the five seeded counselors with code, name, grade, rate per 30 s and status', async () => {
    const list = await phone060.listCounselors();
    expect(list.map((c) => c.code)).toEqual(['101', '102', '103', '104', '105']);
    for (const c of list) {
      expect(c.name).toMatch(/[가-힣]/);
      expect(c.grade).toMatch(/^(master|gold|silver|bronze)$/);
      expect(c.ratePer30s).toBeGreaterThanOrEqual(800);
      expect(c.ratePer30s).toBeLessThanOrEqual(1500);
      expect(['online', 'offline', 'busy']).toContain(c.status);
    }
    expect(list.find((c) => c.code === '104')?.status).toBe('offline');
  });

  it('sets a status and reads it back; an unknown counselor is not_found, a bad code invalid', async () => {
    expect(await phone060.setStatus('103', 'offline')).toBe('offline');
    expect(await statusOf('103')).toBe('offline');
    expect(await phone060.setStatus('103', 'online')).toBe('online');
    expect((await failure(phone060.setStatus('999', 'online'))).kind).toBe('not_found');
    expect((await failure(phone060.setStatus('12', 'online'))).kind).toBe('invalid');
  });

  it('a wrong key is a typed auth error on every call, and the key is in no message', async () => {
    const wrong = new Phone060({ url: sim.url, apiKey: 'not-the-key-0000000000' });
    const calls = [
      () => wrong.listCounselors(),
      () => wrong.setStatus('101', 'online'),
      () => wrong.balance('01012345678'),
      () => wrong.chargeTime('01012345678', 60, 'auth-1'),
      () => wrong.returnTime('01012345678', 60, 'auth-2'),
      () => wrong.reserve('101', '01012345678', new Date(Date.now() + 3_600_000)),
      () => wrong.purchase('101', '01012345678', 'auth-3'),
      () => wrong.registerWebhook('http://127.0.0.1:1/x'),
    ];
    for (const c of calls) {
      const e = await failure(c());
      expect(e.kind).toBe('auth');
      expect(e.vendorCode).toBe('UNAUTHORIZED');
      expect(e.status).toBe(502);
      expect(e.message).not.toContain('not-the-key');
    }
    expect(inspect(phone060)).not.toContain(SIM_PHONE060_KEY);
    expect(JSON.stringify(phone060)).not.toContain(SIM_PHONE060_KEY);
  });

  it('an unreachable vendor is unavailable', async () => {
    const gone = new Phone060({ url: 'http://127.0.0.1:1', apiKey: SIM_PHONE060_KEY, attempts: 1 });
    expect((await failure(gone.listCounselors())).kind).toBe('unavailable');
    expect((await failure(gone.chargeTime('01012345678', 30, 'gone-1'))).kind).toBe('unavailable');
  });

  it('chargeTime adds seconds once per ref; the same ref with other values is a conflict', async () => {
    const phone = newPhone();
    expect(await phone060.balance(phone)).toBe(0);
    const first = await phone060.chargeTime(phone, 600, `c-${phone}-1`);
    expect(first).toEqual({ phone, seconds: 600, balanceSeconds: 600 });
    const again = await phone060.chargeTime(phone, 600, `c-${phone}-1`);
    expect(again).toEqual(first);
    expect(await phone060.balance(phone)).toBe(600);
    // Hyphens are the same number.
    const second = await phone060.chargeTime(
      `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`,
      90,
      `c-${phone}-2`,
    );
    expect(second.balanceSeconds).toBe(690);
    const clash = await failure(phone060.chargeTime(phone, 30, `c-${phone}-1`));
    expect(clash.kind).toBe('conflict');
    expect(await phone060.balance(phone)).toBe(690);
    expect((await failure(phone060.chargeTime('12345', 30, 'c-bad'))).kind).toBe('invalid');
    expect((await failure(phone060.chargeTime(phone, 0, 'c-zero'))).kind).toBe('invalid');
    expect((await failure(phone060.chargeTime(phone, 1.5, 'c-frac'))).kind).toBe('invalid');
  });

  it('returnTime never takes more than remains, once per ref', async () => {
    const phone = newPhone();
    await phone060.chargeTime(phone, 300, `r-${phone}-c`);
    const part = await phone060.returnTime(phone, 120, `r-${phone}-1`);
    expect(part).toEqual({ phone, seconds: 120, balanceSeconds: 180 });
    const rest = await phone060.returnTime(phone, 900, `r-${phone}-2`);
    expect(rest).toEqual({ phone, seconds: 180, balanceSeconds: 0 });
    expect(await phone060.returnTime(phone, 900, `r-${phone}-2`)).toEqual(rest);
    expect(await phone060.returnTime(phone, 60, `r-${phone}-3`)).toEqual({
      phone,
      seconds: 0,
      balanceSeconds: 0,
    });
    expect(await phone060.balance(phone)).toBe(0);
    expect(await phone060.returnTime(newPhone(), 60, `r-${phone}-4`)).toMatchObject({
      seconds: 0,
      balanceSeconds: 0,
    });
  });

  it('reserve books a future time; a past time is invalid, an unknown counselor not_found, a taken slot unavailable', async () => {
    const phone = newPhone();
    const at = new Date(Date.now() + 86_400_000);
    const id = await phone060.reserve('102', phone, at);
    expect(id).toMatch(/^R\d{14}$/);
    expect((await failure(phone060.reserve('102', newPhone(), at))).kind).toBe('counselor_unavailable');
    expect((await failure(phone060.reserve('102', phone, new Date(Date.now() - 60_000)))).kind).toBe(
      'invalid',
    );
    expect((await failure(phone060.reserve('998', phone, at))).kind).toBe('not_found');
    expect((await failure(phone060.reserve('102', phone, new Date('nope')))).kind).toBe('invalid');
  });

  it('purchase answers a 30-minute ticket, the same one for the same ref; an offline counselor refuses', async () => {
    const phone = newPhone();
    const before = Date.now();
    const t = await phone060.purchase('101', phone, `t-${phone}`);
    expect(t.ticketId).toMatch(/^T\d{14}$/);
    expect(t.code).toBe('101');
    expect(t.dialNumber).toMatch(/^0\d{1,2}-\d{3,4}-\d{4}$/);
    const minutes = (t.expiresAt.getTime() - before) / 60_000;
    expect(minutes).toBeGreaterThan(29.9);
    expect(minutes).toBeLessThan(30.1);
    expect(await phone060.purchase('101', phone, `t-${phone}`)).toEqual(t);
    expect((await failure(phone060.purchase('102', phone, `t-${phone}`))).kind).toBe('conflict');
    const off = await failure(phone060.purchase('104', phone, `t-${phone}-off`));
    expect(off.kind).toBe('counselor_unavailable');
    expect(off.vendorCode).toBe('COUNSELOR_UNAVAILABLE');
    expect((await failure(phone060.purchase('997', phone, `t-${phone}-none`))).kind).toBe('not_found');
  });

  it('registerWebhook takes only http(s) URLs', async () => {
    expect((await failure(phone060.registerWebhook('ftp://example.test/x'))).kind).toBe('invalid');
    expect((await failure(phone060.registerWebhook('not a url'))).kind).toBe('invalid');
    expect(isPhone060Error(await failure(phone060.registerWebhook('')), 'invalid')).toBe(true);
  });
});
