import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldNameProblem, startBigQuerySim } from '../../sims/bigquery/index.ts';
import { bigQueryColumn, bigQueryColumns, loadToBigQuery } from '../../src/modules/registration/bigquery.ts';

describe('BigQuery load job through the official client, against the stand-in', () => {
  let sim: Awaited<ReturnType<typeof startBigQuerySim>>;
  beforeAll(async () => {
    sim = await startBigQuerySim({ pollsBeforeDone: 2 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const target = () => ({
    projectId: 'yeyak-test',
    datasetId: 'registration',
    tableId: 'attendees',
    apiEndpoint: sim.url,
  });

  it('uploads NDJSON as a load job, waits for it and reports the rows', async () => {
    const rows = [
      { attendee_id: '1', ticket_name: 'Regular', paid_date: '2026-01-02', email_pseudonym: 'ab'.repeat(32) },
      { attendee_id: '2', ticket_name: 'Student', paid_date: '2026-01-03', email_pseudonym: 'cd'.repeat(32) },
    ];
    const res = await loadToBigQuery(rows, target());
    expect(res.outputRows).toBe(2);
    expect(sim.rows('registration', 'attendees')).toEqual(rows);
    expect(sim.requests.map((r) => `${r.method} ${r.path.replace(/jobs\/.*/, 'jobs/…')}`)).toEqual(
      [
        'POST /upload/bigquery/v2/projects/yeyak-test/jobs',
        'GET /bigquery/v2/projects/yeyak-test/jobs/…',
        'GET /bigquery/v2/projects/yeyak-test/jobs/…',
        'GET /bigquery/v2/projects/yeyak-test/jobs/…',
      ].slice(0, sim.requests.length),
    );
    // A second export replaces the table (WRITE_TRUNCATE) rather than doubling it.
    await loadToBigQuery(rows.slice(0, 1), target());
    expect(sim.rows('registration', 'attendees')).toHaveLength(1);
  });

  it('maps export columns to names BigQuery accepts, stable and unique, and loads them', async () => {
    const sources = [
      'attendee_id',
      'answer:姓名',
      'answer:暱稱',
      'answer:T-shirt size / 尺寸',
      `answer:${'問題'.repeat(200)}`,
      '1st answer',
      '_TABLE_suffix',
      'Name',
      'name',
    ];
    const mapped = bigQueryColumns(sources);
    for (const { column } of mapped) expect(fieldNameProblem(column)).toBeUndefined();
    expect(new Set(mapped.map((m) => m.column.toLowerCase())).size).toBe(sources.length);
    expect(mapped[0].column).toBe('attendee_id');
    expect(mapped[1].column).toMatch(/^answer_[0-9a-f]{8}$/);
    expect(mapped[3].column).toMatch(/^answer_T_shirt_size_[0-9a-f]{8}$/);
    expect(mapped[4].column.length).toBeLessThanOrEqual(300);
    expect(mapped.slice(7).map((m) => m.column)).toEqual(['Name', 'name_2']);
    // Stable: a column's name does not depend on the other columns or their order.
    expect(bigQueryColumns([...sources].reverse()).find((m) => m.source === 'answer:姓名')?.column).toBe(
      mapped[1].column,
    );
    expect(bigQueryColumn('answer:姓名')).toBe(mapped[1].column);

    const row = Object.fromEntries(sources.slice(0, 7).map((k, i) => [k, `v${i}`]));
    const res = await loadToBigQuery([row], target());
    expect(res.outputRows).toBe(1);
    const [loaded] = sim.rows('registration', 'attendees');
    expect(Object.keys(loaded)).toEqual(res.columns.map((c) => c.column));
    expect(loaded[bigQueryColumn('answer:姓名')]).toBe('v1');
  });
});
