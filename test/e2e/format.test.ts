import { describe, expect, it } from 'vitest';
import { countdown, isoToLocalInput, localInputToIso, won } from '../../web/src/format.ts';
import { codedMessage, fieldLabel, remember, serverMessage } from '../../web/src/messages.ts';

/** The web app's pure helpers (no browser needed). */
describe('web format helpers', () => {
  it('reads datetime-local values in the event time zone, daylight saving included', () => {
    expect(localInputToIso('2026-12-24T19:30', 'Asia/Seoul')).toBe('2026-12-24T19:30:00+09:00');
    expect(localInputToIso('2030-07-01T19:30', 'America/New_York')).toBe('2030-07-01T19:30:00-04:00');
    expect(localInputToIso('2030-01-15T19:30', 'America/New_York')).toBe('2030-01-15T19:30:00-05:00');
    expect(localInputToIso('2030-03-10T12:00', 'Asia/Kolkata')).toBe('2030-03-10T12:00:00+05:30');
    expect(localInputToIso('', 'Asia/Seoul')).toBeUndefined();
    expect(isoToLocalInput('2030-05-01T10:30:00.000Z', 'Asia/Seoul')).toBe('2030-05-01T19:30');
    expect(isoToLocalInput('2030-07-01T23:30:00.000Z', 'America/New_York')).toBe('2030-07-01T19:30');
  });

  it('formats prices and countdowns', () => {
    expect(won(110_000, 'ko')).toBe('110,000원');
    expect(won(110_000, 'en')).toBe('₩110,000');
    expect(countdown(20 * 60_000)).toBe('20:00');
    expect(countdown(61_500)).toBe('01:02');
    expect(countdown(-5)).toBe('00:00');
    expect(countdown(3_600_000)).toBe('1:00:00');
  });

  it('renders server messages by their code in the page language and leaves uncoded ones alone', () => {
    remember('sold out: only 3 left', { key: 'tickets.sold_out_left', params: { left: 3 } });
    expect(serverMessage('sold out: only 3 left', 'ko')).toBe('남은 좌석이 3석뿐입니다.');
    expect(serverMessage('sold out: only 3 left', 'en')).toBe('sold out: only 3 left');
    const zod = { key: 'validation.number', params: { field: 'quota' } };
    expect(codedMessage(zod, 'Invalid input: expected number, received string', 'en')).toBe('enter a number');
    expect(codedMessage(zod, 'Invalid input: expected number, received string', 'ko')).toBe(
      '숫자를 입력하세요.',
    );
    expect(fieldLabel('body.ticketsEventId', 'ko')).toBe('yeyak 공연');
    expect(fieldLabel('body.showtimes.0.somethingNew', 'ko')).toBe('somethingNew');
    // A code the catalog does not know (a newer server) shows the server's text.
    expect(codedMessage({ key: 'tickets.from_the_future' }, 'as sent', 'ko')).toBe('as sent');
    expect(serverMessage('something new', 'ko')).toBe('something new');
  });
});
