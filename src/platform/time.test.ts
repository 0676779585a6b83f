import { describe, expect, it } from 'vitest';
import { isValidTimeZone, zonedParts, zonedToInstant } from './time.ts';

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
});
