import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigQuerySim } from '../../sims/bigquery/index.ts';
import { loadToBigQuery } from '../../src/modules/registration/bigquery.ts';

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
});
