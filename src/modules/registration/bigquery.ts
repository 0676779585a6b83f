import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';
import { checkOutboundUrl } from '../../platform/net/outbound.ts';
import { type Row, toNdjson } from './deidentify.ts';

/**
 * Loads de-identified rows into BigQuery with a load job (research/integrations.md §5): the
 * official client uploads NDJSON (`uploadType=multipart`) and waits for the job. Load jobs are
 * free and atomic per job (a failed job writes nothing), unlike streaming inserts.
 */
export type BigQueryTarget = {
  projectId: string;
  datasetId: string;
  tableId: string;
  location?: string;
  /** an emulator or stand-in; no Google sign-in is attempted against it */
  apiEndpoint?: string;
  /** WRITE_TRUNCATE (default: each export replaces the table) or WRITE_APPEND */
  writeDisposition?: 'WRITE_TRUNCATE' | 'WRITE_APPEND';
};

export type LoadResult = { jobId: string; outputRows: number };

export async function loadToBigQuery(rows: readonly Row[], target: BigQueryTarget): Promise<LoadResult> {
  const opts: BigQueryOptions = { projectId: target.projectId, location: target.location };
  if (target.apiEndpoint) {
    // The Google client makes its own connections: the endpoint is checked here, not at connect time.
    await checkOutboundUrl(target.apiEndpoint);
    // A fixed token: the emulator accepts any, and nothing reaches Google.
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 3_600_000 });
    opts.apiEndpoint = target.apiEndpoint;
    opts.authClient = auth as unknown as BigQueryOptions['authClient'];
  }
  const bq = new BigQuery(opts);
  const table = bq.dataset(target.datasetId).table(target.tableId);
  const data = toNdjson(rows);
  const job = await new Promise<import('@google-cloud/bigquery').Job>((resolve, reject) => {
    const stream = table.createWriteStream({
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      autodetect: true,
      writeDisposition: target.writeDisposition ?? 'WRITE_TRUNCATE',
      createDisposition: 'CREATE_IF_NEEDED',
    });
    stream.on('error', reject);
    stream.on('job', (j: import('@google-cloud/bigquery').Job) => resolve(j));
    stream.end(data);
  });
  await job.promise();
  const [meta] = await job.getMetadata();
  const err = meta.status?.errorResult;
  if (err) throw new Error(`BigQuery load job ${job.id} failed: ${err.message}`);
  return { jobId: String(job.id), outputRows: Number(meta.statistics?.load?.outputRows ?? 0) };
}
