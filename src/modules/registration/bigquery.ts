import { createHash } from 'node:crypto';
import type { BigQueryOptions } from '@google-cloud/bigquery';
import { columnsOf, type Row, toNdjson } from '../../platform/csv.ts';
import { checkOutboundUrl } from '../../platform/net/outbound.ts';

/**
 * Loads de-identified rows into BigQuery with a load job: the
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

export type LoadResult = { jobId: string; outputRows: number; columns: ColumnMapping[] };

// ---------------------------------------------------------------------------------------------
// Column names. BigQuery takes letters, digits and underscores, starting with a letter or an
// underscore, at most 300 characters, no reserved prefix, unique ignoring case. Our export columns
// include `answer:<question>` with questions in any language, so each name is mapped.

export type ColumnMapping = { source: string; column: string };

const MAX_COLUMN = 300;
const RESERVED = /^(_TABLE_|_FILE_|_PARTITION|_ROW_TIMESTAMP|__ROOT__|_COLON_)/i;
const tag = (name: string) => createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);

/**
 * One column name, the same whatever else is exported: a name that already follows the rules is
 * kept; any other keeps its ASCII letters and digits (the rest becomes `_`) and gets 8 hex digits
 * of the original name's SHA-256, so `answer:姓名` and `answer:暱稱` stay apart
 * (`answer_1a2b3c4d`, `answer_5e6f7a8b`) and a name never changes between exports.
 */
export function bigQueryColumn(source: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(source) && source.length <= MAX_COLUMN && !RESERVED.test(source))
    return source;
  let base = source
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z]/.test(base)) base = `c_${base}`;
  const suffix = `_${tag(source)}`;
  return (base.slice(0, MAX_COLUMN - suffix.length).replace(/_+$/, '') + suffix).replace(/_{2,}/g, '_');
}

/**
 * The mapping for a set of columns, in order. Two names equal but for case (or a hash collision)
 * would be refused by BigQuery: the later one gets `_2`, `_3`…
 */
export function bigQueryColumns(sources: readonly string[]): ColumnMapping[] {
  const taken = new Set<string>();
  return sources.map((source) => {
    const first = bigQueryColumn(source);
    let column = first;
    for (let n = 2; taken.has(column.toLowerCase()); n++)
      column = `${first.slice(0, MAX_COLUMN - String(n).length - 1)}_${n}`;
    taken.add(column.toLowerCase());
    return { source, column };
  });
}

/** Rows with their keys renamed for BigQuery. */
function renameForBigQuery(rows: readonly Row[]): { rows: Row[]; columns: ColumnMapping[] } {
  const columns = bigQueryColumns(columnsOf(rows));
  const to = new Map(columns.map((c) => [c.source, c.column]));
  return {
    rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [to.get(k) ?? k, v]))),
    columns,
  };
}

export async function loadToBigQuery(rows: readonly Row[], target: BigQueryTarget): Promise<LoadResult> {
  // The Google clients are large (tens of MiB once loaded): only a server that exports loads them.
  const [{ BigQuery }, { OAuth2Client }] = await Promise.all([
    import('@google-cloud/bigquery'),
    import('google-auth-library'),
  ]);
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
  const renamed = renameForBigQuery(rows);
  const data = toNdjson(renamed.rows);
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
  return {
    jobId: String(job.id),
    outputRows: Number(meta.statistics?.load?.outputRows ?? 0),
    columns: renamed.columns,
  };
}
