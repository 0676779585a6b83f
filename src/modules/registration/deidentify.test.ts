import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lines, toCsv, toNdjson } from '../../platform/csv.ts';
import {
  deidentifyAttendee,
  maskEmail,
  maskName,
  normalisePhone,
  pseudonym,
  scopedKey,
} from './deidentify.ts';

const SECRET = 'test-secret-0123456789-abcdefghij-klmnop';

describe('masking names', () => {
  it.each([
    ['王小明', '王*明'],
    ['김예약', '김*약'],
    ['John Smith', 'J*** S****'],
    ['王明', '王*'],
    ['歐陽小明', '歐**明'],
    ['이', '이'],
    ['Jean-Luc Picard', 'J***-L** P*****'],
    ["Conan O'Brien", "C**** O'B****"],
    ['José Müller', 'J*** M*****'],
    ['  Ana  ', 'A**'],
    ['山田 太郎', '山* 太*'],
    ['', ''],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('masks e-mails for display', () => {
    expect(maskEmail('guest123@example.com')).toBe('g*******@example.com');
    expect(maskEmail('a@b.c')).toBe('a*@b.c');
  });
});

describe('pseudonyms', () => {
  it('are keyed, deterministic and normalised', () => {
    const a = pseudonym(SECRET, 'email', ' Guest@Example.COM ');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonym(SECRET, 'email', 'guest@example.com')).toBe(a);
    expect(pseudonym(`${SECRET}x`, 'email', 'guest@example.com')).not.toBe(a);
    // not the unkeyed SHA-256 a dictionary attack would hit
    expect(a).not.toBe(createHash('sha256').update('guest@example.com').digest('hex'));
  });

  it('normalise phones before hashing', () => {
    expect(normalisePhone('0912-345-678')).toBe('+886912345678');
    expect(normalisePhone('+886 912 345 678')).toBe('+886912345678');
    expect(normalisePhone('00886912345678')).toBe('+886912345678');
    expect(normalisePhone('886912345678')).toBe('+886912345678');
    expect(normalisePhone('010-1234-5678', '82')).toBe('+821012345678');
    expect(normalisePhone('---')).toBeUndefined();
    const p = pseudonym(SECRET, 'phone', '0912 345 678');
    expect(pseudonym(SECRET, 'phone', '+886-912-345-678')).toBe(p);
    expect(pseudonym(SECRET, 'email', '+886912345678')).not.toBe(p);
  });

  it('leave empty values empty and refuse a short secret', () => {
    expect(pseudonym(SECRET, 'email', '  ')).toBeUndefined();
    expect(pseudonym(SECRET, 'phone', null)).toBeUndefined();
    expect(() => pseudonym('short', 'email', 'a@b.c')).toThrow(/at least 32 bytes/);
  });
});

describe('writers', () => {
  const rows = [
    { id: 1, name: '王*明', note: 'says "hi", twice', when: new Date('2025-07-04T08:00:00Z') },
    { id: 2, name: 'J*** S****', note: '=HYPERLINK("x")', extra: 'line1\nline2' },
  ];

  it('write RFC 4180 CSV with quoting, formula guard and BOM', () => {
    const csv = toCsv(rows, { bom: true });
    expect(csv.startsWith('\uFEFFid,name,note,when,extra\r\n')).toBe(true);
    expect(csv).toContain('1,王*明,"says ""hi"", twice",2025-07-04T08:00:00.000Z,\r\n');
    expect(csv).toContain(`2,J*** S****,"'=HYPERLINK(""x"")",,"line1\nline2"\r\n`);
    expect(toCsv([{ n: -5, s: '-5' }], { bom: false })).toBe("n,s\r\n-5,'-5\r\n");
  });

  it('write NDJSON, one object per line', () => {
    const nd = toNdjson(rows);
    const parsed = nd
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(parsed).toHaveLength(2);
    expect(parsed[0].when).toBe('2025-07-04T08:00:00.000Z');
    expect(parsed[1].extra).toBe('line1\nline2');
    expect(nd.endsWith('\n')).toBe(true);
  });

  it('stream the same output', async () => {
    let csv = '';
    for await (const l of lines(rows, 'csv', { columns: ['id', 'name', 'note', 'when', 'extra'] })) csv += l;
    expect(csv).toBe(toCsv(rows));
    let nd = '';
    for await (const l of lines(rows, 'ndjson')) nd += l;
    expect(nd).toBe(toNdjson(rows));
  });
});

describe('deidentifyAttendee', () => {
  const attendee = {
    id: 84748358,
    ticket_name: 'Regular 一般票',
    state: 'activated',
    is_paid: true,
    price: 2600,
    currency: 'TWD',
    payment_method: 'WEBSITE',
    order_no: 127666621,
    updated_at: 1656921502.5667331, // 2022-07-04 07:58 UTC = 15:58 in Taipei
    search_string: '王小明 guest@example.com 0912345678',
    data: [
      ['暱稱 / Nickname', '小明'],
      ['公司 / Company', 'Acme'],
      ['聯絡人 姓名', '王小明'],
      ['聯絡人 Email', 'Guest@Example.com'],
      ['聯絡人 手機', '0912-345-678'],
      ['Address', '台北市中正區'],
    ] as [string, string][],
  };

  it('keeps no direct identifier: numbers pseudonymised per event, contacts hashed, names masked', () => {
    const row = deidentifyAttendee(attendee, { secret: SECRET, scope: 'event-a' });
    const key = scopedKey(SECRET, 'event-a');
    expect(row).toEqual({
      attendee_id: pseudonym(key, 'id', '84748358'),
      order_no: pseudonym(key, 'id', 'order:127666621'),
      ticket_name: 'Regular 一般票',
      state: 'activated',
      is_paid: true,
      price: 2600,
      currency: 'TWD',
      payment_method: 'WEBSITE',
      paid_at: '2022-07-04T07:00:00.000Z', // to the hour by default
      paid_date: '2022-07-04',
      name_masked: '王*明',
      email_pseudonym: pseudonym(SECRET, 'email', 'guest@example.com'),
      phone_pseudonym: pseudonym(SECRET, 'phone', '+886912345678'),
    });
    expect(row.attendee_id).toMatch(/^[0-9a-f]{64}$/);
    const text = toCsv([row]) + toNdjson([row]);
    for (const secret of [
      '84748358',
      '127666621',
      '07:58',
      '王小明',
      '小明',
      'Acme',
      'guest@example.com',
      'Guest@Example.com',
      '0912',
      '台北市',
      'search_string',
    ])
      expect(text).not.toContain(secret);
  });

  it('pseudonyms are stable within an event and differ between events', () => {
    const a1 = deidentifyAttendee(attendee, { secret: SECRET, scope: 'event-a' });
    const a2 = deidentifyAttendee({ ...attendee, price: 1 }, { secret: SECRET, scope: 'event-a' });
    const b = deidentifyAttendee(attendee, { secret: SECRET, scope: 'event-b' });
    expect(a2.attendee_id).toBe(a1.attendee_id);
    expect(a2.order_no).toBe(a1.order_no);
    expect(b.attendee_id).not.toBe(a1.attendee_id);
    expect(b.order_no).not.toBe(a1.order_no);
    // Contacts stay joinable across events (returning people can be counted).
    expect(b.email_pseudonym).toBe(a1.email_pseudonym);
  });

  it('keeps the exact paid time and answers only when the organiser says so', () => {
    const row = deidentifyAttendee(attendee, {
      secret: SECRET,
      scope: 'event-a',
      paidAt: 'exact',
      safeQuestions: ['公司 / Company', '暱稱 / Nickname', 'Address', '聯絡人 Email'],
    });
    expect(row.paid_at).toBe('2022-07-04T07:58:22.566Z');
    expect(row['answer:公司 / Company']).toBe('Acme');
    expect(row['answer:暱稱 / Nickname']).toBe('小*'); // a name, even when marked safe, is masked
    expect(Object.keys(row).filter((k) => k.startsWith('answer:'))).toHaveLength(2);
    expect(JSON.stringify(row)).not.toMatch(/台北市|guest@example/i);
  });
});
