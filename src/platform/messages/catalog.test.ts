import { describe, expect, it } from 'vitest';
import { parts } from './catalog/index.ts';
import { type Code, catalog, codeOfEnglish, msg, render } from './index.ts';
import { codeIssue } from './validation.ts';

const placeholders = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));

describe('the message catalog', () => {
  it('has Korean and English text for every code', () => {
    const missing = Object.entries(catalog)
      .filter(([, t]) => !t.ko?.trim() || !t.en?.trim())
      .map(([k]) => k);
    expect(missing).toEqual([]);
  });

  it('has no Korean or Chinese text that names a parameter the English text lacks', () => {
    const bad: string[] = [];
    for (const [key, t] of Object.entries(catalog)) {
      const en = placeholders(t.en);
      for (const lang of ['ko', 'zh-TW'] as const) {
        const text = (t as Record<string, string | undefined>)[lang];
        for (const p of text ? placeholders(text) : []) if (!en.has(p)) bad.push(`${key} ${lang} {${p}}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('defines each code once, under its module prefix', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [part, texts] of Object.entries(parts)) {
      for (const key of Object.keys(texts)) {
        if (seen.has(key)) twice.push(`${key} in ${seen.get(key)} and ${part}`);
        seen.set(key, part);
      }
    }
    expect(twice).toEqual([]);
  });

  it('renders a code with its parameters in each language', () => {
    const m = msg('tickets.quota_below_sold', { sold: 3 });
    expect(m).toEqual({
      key: 'tickets.quota_below_sold',
      params: { sold: 3 },
      text: 'cannot be below the 3 tickets already sold or held',
    });
    expect(render(m.key, m.params, 'ko')).toBe('이미 팔렸거나 확보된 3장보다 적게 할 수 없습니다.');
    expect(render('rail.no_station', { station: '서울', operator: 'SRT' }, 'ko')).toBe(
      'SRT에 "서울" 역이 없습니다.',
    );
  });

  it('names a state or provider inside a message in the reader language, never an English word in Korean', () => {
    expect(render('tickets.hold_done', { status: 'expired' }, 'ko')).toBe(
      '이미 처리된 좌석 확보입니다 (만료됨).',
    );
    expect(msg('tickets.hold_done', { status: 'expired' }).text).toBe('this hold is expired; start again');
    expect(render('rail.watch_state', { status: 'stopped' }, 'ko')).toContain('중지');
    expect(render('oauth.identity_taken', { provider: 'kakao' }, 'ko')).toBe(
      '이 카카오 계정은 이미 다른 계정에 연결되어 있습니다.',
    );
    expect(msg('oauth.identity_taken', { provider: 'kakao' }).text).toBe(
      'this Kakao account is linked elsewhere',
    );
    // A value without a label is shown as given.
    expect(render('consult.only_side', { who: 'admin' }, 'ko')).toBe('admin만 할 수 있습니다.');
  });

  it('finds the code of a message still written as English text, not of one with parameters', () => {
    expect(codeOfEnglish('sold out')).toBe('tickets.sold_out');
    expect(codeOfEnglish('cannot be below the {sold} tickets already sold or held')).toBeUndefined();
  });

  it('turns a schema issue into a validation code named by its field, never its path', () => {
    const uuid = codeIssue('body.ticketsEventId', {
      keyword: 'invalid_format',
      message: 'Invalid UUID',
      params: { format: 'uuid' },
    });
    expect(uuid).toEqual({ key: 'validation.uuid', params: { field: 'ticketsEventId' } });
    expect(render(uuid.key, uuid.params, 'ko')).toBe('올바른 ID가 아닙니다.');
    const short = codeIssue('body.showtimes.0.ticketTypes.1.name', {
      keyword: 'too_small',
      params: { origin: 'string', minimum: 3 },
    });
    expect(short).toEqual({ key: 'validation.min_length', params: { min: 3, field: 'name' } });
    // A schema's own message that is a catalog text keeps that code.
    expect(
      codeIssue('body.email', { keyword: 'invalid_format', message: 'must be an e-mail address' }).key,
    ).toBe('validation.email' satisfies Code);
    expect(codeIssue('body.x', { keyword: 'invalid_type', params: { expected: 'string' } }).key).toBe(
      'validation.required',
    );
  });
});
