import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIM_PHONE060_KEY, SIM_PHONE060_WEBHOOK_SECRET } from '../../sims/phone060/index.ts';
import {
  Phone060,
  phone060Env,
  phone060FromConfig,
  readPhone060Config,
  remainingSeconds,
  roundUpTo30,
  verifyPhone060Webhook,
} from '../../src/modules/consult/phone060/index.ts';
import { ConfigError } from '../../src/platform/config.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const NOW = Date.parse('2026-12-03T12:00:00Z');
const ts = String(NOW / 1000);

/** Signed here by hand (not with the module's helper), so a mistake there cannot hide. */
const sign = (timestamp: string, body: string, secret = SECRET) => ({
  'X-060-Timestamp': timestamp,
  'X-060-Signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
});

const ended = {
  type: 'call.ended',
  callId: 'C1',
  caller: '01012345678',
  code: '101',
  ticketId: 'T1',
  startedAt: '2026-12-03T11:58:00.000Z',
  endedAt: '2026-12-03T11:59:35.000Z',
  talkSeconds: 95,
  billedSeconds: 120,
};
const started = {
  type: 'call.started',
  callId: 'C1',
  caller: '01012345678',
  code: '101',
  ticketId: null,
  startedAt: ended.startedAt,
};

describe('verifyPhone060Webhook', () => {
  it('accepts a signed call.started and call.ended and answers the parsed event', () => {
    for (const event of [started, ended]) {
      const body = JSON.stringify(event);
      const r = verifyPhone060Webhook(body, sign(ts, body), SECRET, NOW);
      expect(r).toEqual({ ok: true, event });
      // Bytes and fetch Headers work the same.
      expect(verifyPhone060Webhook(Buffer.from(body), new Headers(sign(ts, body)), SECRET, NOW).ok).toBe(
        true,
      );
    }
  });

  it('refuses missing or unreadable headers', () => {
    const body = JSON.stringify(ended);
    const good = sign(ts, body);
    const cases: Record<string, string | undefined>[] = [
      {},
      { 'X-060-Timestamp': ts },
      { 'X-060-Signature': good['X-060-Signature'] },
      { ...good, 'X-060-Timestamp': 'yesterday' },
      { ...good, 'X-060-Signature': good['X-060-Signature'].slice(7) },
      { ...good, 'X-060-Signature': `sha1=${'0'.repeat(40)}` },
    ];
    for (const h of cases)
      expect(verifyPhone060Webhook(body, h, SECRET, NOW)).toMatchObject({
        ok: false,
        reason: 'missing_headers',
      });
  });

  it('refuses a tampered body, a wrong secret, a timestamp swapped after signing, an empty secret', () => {
    const body = JSON.stringify(ended);
    const h = sign(ts, body);
    const refused = (b: string, hh: Record<string, string>, secret = SECRET) =>
      verifyPhone060Webhook(b, hh, secret, NOW);
    expect(refused(body.replace('"billedSeconds":120', '"billedSeconds":30'), h)).toMatchObject({
      reason: 'bad_signature',
    });
    expect(refused(`${body} `, h)).toMatchObject({ reason: 'bad_signature' });
    expect(refused(body, h, 'another-secret-000000000')).toMatchObject({ reason: 'bad_signature' });
    expect(refused(body, { ...h, 'X-060-Timestamp': String(NOW / 1000 + 1) })).toMatchObject({
      reason: 'bad_signature',
    });
    expect(refused(body, sign(ts, body, ''), '')).toMatchObject({ reason: 'bad_signature' });
  });

  it('refuses a timestamp more than 5 minutes away, either way', () => {
    const body = JSON.stringify(ended);
    const at = (offset: number) => {
      const t = String(NOW / 1000 + offset);
      return verifyPhone060Webhook(body, sign(t, body), SECRET, NOW);
    };
    expect(at(-300).ok).toBe(true);
    expect(at(-301)).toMatchObject({ ok: false, reason: 'stale' });
    expect(at(-86_400)).toMatchObject({ ok: false, reason: 'stale' });
    expect(at(301)).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('refuses a signed body that is not a call event, naming the field', () => {
    const cases: [unknown, string][] = [
      ['not json', 'type'],
      [[], 'type'],
      [{ ...ended, type: 'call.ringing' }, 'type'],
      [{ ...ended, caller: '+82 10-1234-5678' }, 'caller'],
      [{ ...ended, code: '1010' }, 'code'],
      [{ ...ended, billedSeconds: -30 }, 'billedSeconds'],
      [{ ...ended, billedSeconds: '120' }, 'billedSeconds'],
      [{ ...ended, endedAt: '2026-12-03T11:57:00.000Z' }, 'endedAt'],
      [{ ...ended, startedAt: 'noon' }, 'startedAt'],
      [{ ...ended, callId: '' }, 'callId'],
      [{ ...ended, extra: 1 }, 'body'],
      [{ ...started, billedSeconds: 30 }, 'body'],
      [(({ billedSeconds: _, ...rest }) => rest)(ended), 'billedSeconds'],
    ];
    for (const [value, field] of cases) {
      const body = typeof value === 'string' ? value : JSON.stringify(value);
      const r = verifyPhone060Webhook(body, sign(ts, body), SECRET, NOW);
      expect(r, body).toMatchObject({ ok: false, reason: 'malformed' });
      if (!r.ok) expect(r.message.split(':')[0], body).toBe(field);
    }
  });
});

describe('phone060 time helpers', () => {
  it('rounds up to whole 30 s units and shows points as floor(points / rate) × 30 s', () => {
    expect([0, 1, 29, 30, 31, 60, 61].map(roundUpTo30)).toEqual([0, 30, 30, 30, 60, 60, 90]);
    expect(remainingSeconds(10_000, 1300)).toBe(7 * 30);
    expect(remainingSeconds(1299, 1300)).toBe(0);
    expect(remainingSeconds(2600, 1300)).toBe(60);
    expect(remainingSeconds(1000, 0)).toBe(0);
  });
});

describe('phone060 configuration', () => {
  it('reads the variables; a URL needs the key and the webhook secret', () => {
    const env = phone060Env.parse({
      PHONE060_URL: 'https://api.vendor.test/cp',
      PHONE060_KEY: 'k'.repeat(20),
      PHONE060_WEBHOOK_SECRET: 's'.repeat(20),
    });
    expect(readPhone060Config(env)).toEqual({
      url: 'https://api.vendor.test/cp',
      apiKey: 'k'.repeat(20),
      webhookSecret: 's'.repeat(20),
    });
    expect(() => readPhone060Config(phone060Env.parse({ PHONE060_URL: 'https://x.test' }))).toThrow(
      ConfigError,
    );
    expect(() => readPhone060Config(phone060Env.parse({ PHONE060_URL: 'https://x.test' }))).toThrow(
      /PHONE060_KEY: required with PHONE060_URL[\s\S]*PHONE060_WEBHOOK_SECRET: required/,
    );
    expect(phone060Env.safeParse({ PHONE060_URL: 'ftp://x.test' }).success).toBe(false);
    expect(phone060Env.safeParse({ PHONE060_KEY: 'short' }).success).toBe(false);
  });

  it('demo mode without a URL uses the stand-in inside this server; no URL and no demo is off', () => {
    const none = readPhone060Config(phone060Env.parse({}));
    let self = 'http://127.0.0.1:1234';
    const demo = phone060FromConfig(none, true, () => self);
    const link = demo();
    expect(link?.standIn).toBe(true);
    expect(link?.client).toBeInstanceOf(Phone060);
    expect(link?.webhookSecret).toBe(SIM_PHONE060_WEBHOOK_SECRET);
    expect(demo()).toBe(link);
    self = 'http://127.0.0.1:5678';
    expect(demo()).not.toBe(link);
    expect(phone060FromConfig(none, false, () => self)()).toBeUndefined();
    const real = phone060FromConfig(
      { url: 'https://v.test', apiKey: 'k'.repeat(20), webhookSecret: 's'.repeat(20) },
      true,
      () => self,
    )();
    expect(real?.standIn).toBe(false);
    expect(real?.webhookSecret).toBe('s'.repeat(20));
    expect(JSON.stringify(real)).not.toContain('k'.repeat(20));
    expect(JSON.stringify(link)).not.toContain(SIM_PHONE060_KEY);
  });
});
