import { describe, expect, it } from 'vitest';
import { dailySales, hourlyCheckins } from './sales-series.ts';

const types = [
  { ticketTypeId: 'r', name: 'R석', startsAt: '2026-12-24T10:30:00.000Z' },
  { ticketTypeId: 's', name: 'S석', startsAt: '2026-12-24T10:30:00.000Z' },
];

describe('dailySales', () => {
  it('fills the days without sales with zeros and keeps a running total', () => {
    const s = dailySales(
      [
        { day: '2026-02-27', ticketTypeId: 'r', tickets: 2 },
        { day: '2026-03-02', ticketTypeId: 's', tickets: 3 },
        { day: '2026-03-02', ticketTypeId: 'r', tickets: 1 },
      ],
      types,
    );
    // 2026 is not a leap year: 27 Feb, 28 Feb, 1 Mar, 2 Mar.
    expect(s.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(s.ticketTypes.map((t) => [t.name, t.perDay])).toEqual([
      ['R석', [2, 0, 0, 1]],
      ['S석', [0, 0, 0, 3]],
    ]);
    expect(s.cumulative).toEqual([2, 2, 2, 6]);
  });

  it('answers empty series when nothing sold, and keeps every ticket type', () => {
    const s = dailySales([], types);
    expect(s.days).toEqual([]);
    expect(s.cumulative).toEqual([]);
    expect(s.ticketTypes.map((t) => t.perDay)).toEqual([[], []]);
  });

  it('keeps only the days with sales when they span more than the filled range', () => {
    const s = dailySales(
      [
        { day: '2024-01-01', ticketTypeId: 'r', tickets: 1 },
        { day: '2026-01-01', ticketTypeId: 'r', tickets: 4 },
      ],
      types,
    );
    expect(s.days).toEqual(['2024-01-01', '2026-01-01']);
    expect(s.cumulative).toEqual([1, 5]);
  });
});

describe('hourlyCheckins', () => {
  it('fills the hours between the first and last check-in across midnight', () => {
    const s = hourlyCheckins([
      { hour: '2026-12-24T22', tickets: 2 },
      { hour: '2026-12-25T01', tickets: 1 },
    ]);
    expect(s.hours).toEqual(['2026-12-24T22', '2026-12-24T23', '2026-12-25T00', '2026-12-25T01']);
    expect(s.perHour).toEqual([2, 0, 0, 1]);
    expect(s.cumulative).toEqual([2, 2, 2, 3]);
  });
});
