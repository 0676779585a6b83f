import { describe, expect, it } from 'vitest';
import { isValidTimeZone, zonedIso, zonedParts, zonedToInstant } from './time.ts';

describe('wall-clock time in a time zone', () => {
  it('reads an instant in Seoul and in New York, with one formatter per zone', () => {
    const instant = new Date('2026-03-08T06:30:00Z');
    expect(zonedParts(instant, 'Asia/Seoul')).toEqual({ date: '2026-03-08', time: '15:30', second: '00' });
    expect(zonedParts(instant, 'America/New_York')).toEqual({
      date: '2026-03-08',
      time: '01:30',
      second: '00',
    });
    // The cached formatter of the first call answers the same for another instant.
    expect(zonedParts(new Date('2026-12-31T15:00:00Z'), 'Asia/Seoul').date).toBe('2027-01-01');
  });

  it('agrees with Intl itself second by second around offset changes, in odd zones too', () => {
    const intl = (d: Date, timeZone: string) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-CA', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          hourCycle: 'h23',
        })
          .formatToParts(d)
          .map((x) => [x.type, x.value]),
      );
      return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, second: p.second };
    };
    // Each zone's offset change (UTC) in 2026: spring forward, fall back, a 30-minute shift, +5:45, +12:45.
    const changes: [string, string][] = [
      ['America/New_York', '2026-03-08T07:00:00Z'],
      ['America/New_York', '2026-11-01T06:00:00Z'],
      ['Europe/Berlin', '2026-10-25T01:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Asia/Kathmandu', '2026-06-01T00:00:00Z'],
      ['Pacific/Chatham', '2026-04-04T14:00:00Z'],
      ['Asia/Seoul', '1988-05-07T17:00:00Z'],
    ];
    for (const [zone, at] of changes) {
      const t0 = Date.parse(at);
      for (let ms = t0 - 3_600_000; ms <= t0 + 3_600_000; ms += 59_000) {
        expect(zonedParts(new Date(ms), zone), `${zone} ${new Date(ms).toISOString()}`).toEqual(
          intl(new Date(ms), zone),
        );
      }
      // The seconds just before and at the change.
      for (const ms of [t0 - 1000, t0 - 1, t0, t0 + 1]) {
        expect(zonedParts(new Date(ms), zone)).toEqual(intl(new Date(ms), zone));
      }
    }
    // Local mean time (an offset in seconds) falls back to Intl.
    expect(zonedParts(new Date('1880-01-01T00:00:00Z'), 'Asia/Seoul')).toEqual(
      intl(new Date('1880-01-01T00:00:00Z'), 'Asia/Seoul'),
    );
  });

  it('turns a wall-clock time back into the instant, across a daylight-saving change', () => {
    expect(zonedToInstant('2026-11-01', '19:30', 'Asia/Seoul').toISOString()).toBe(
      '2026-11-01T10:30:00.000Z',
    );
    // New York springs forward on 2026-03-08 at 02:00: 03:30 that day is UTC−4.
    expect(zonedToInstant('2026-03-08', '03:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(zonedToInstant('2026-03-07', '03:30', 'America/New_York').toISOString()).toBe(
      '2026-03-07T08:30:00.000Z',
    );
  });

  it('refuses a zone that does not exist, without caching it', () => {
    expect(isValidTimeZone('Asia/Seoul')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(() => zonedParts(new Date(), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => zonedParts(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });

  it('writes an instant as ISO 8601 on the clock of the zone, with its offset', () => {
    const at = new Date('2026-12-24T10:30:05.123Z');
    expect(zonedIso(at, 'Asia/Seoul')).toBe('2026-12-24T19:30:05+09:00');
    expect(zonedIso(at, 'America/New_York')).toBe('2026-12-24T05:30:05-05:00');
    expect(zonedIso(at, 'Asia/Kolkata')).toBe('2026-12-24T16:00:05+05:30');
    expect(zonedIso(at, 'UTC')).toBe('2026-12-24T10:30:05+00:00');
  });
});
