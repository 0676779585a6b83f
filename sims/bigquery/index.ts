import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the BigQuery REST endpoints a load job uses:
 * `POST /upload/bigquery/v2/projects/{p}/jobs?uploadType=multipart` (multipart/related: the job's
 * JSON, then the data) and `GET /bigquery/v2/projects/{p}/jobs/{jobId}` (state PENDING → DONE).
 * It parses NEWLINE_DELIMITED_JSON and CSV (header row with `skipLeadingRows: 1`), keeps the rows
 * per `dataset.table`, honours WRITE_APPEND / WRITE_TRUNCATE / WRITE_EMPTY, and answers a job that
 * finishes with `errorResult` for unparsable data. A bearer token is required (any, or `token`).
 */

export type BigQuerySimOptions = {
  token?: string;
  /** GETs of a job answered RUNNING before DONE, default 1 */
  pollsBeforeDone?: number;
  host?: string;
  port?: number;
};

type Job = {
  projectId: string;
  jobId: string;
  location?: string;
  configuration: { load: Record<string, unknown> };
  polls: number;
  outputRows: number;
  error?: { reason: string; message: string };
};

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
const apiError = (res: ServerResponse, status: number, reason: string, message: string) =>
  send(res, status, { error: { code: status, message, errors: [{ reason, message }], status: reason } });

/** Splits a multipart/related body into its parts (headers dropped). */
export function multipartRelated(body: Buffer, contentType: string): Buffer[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new Error('no boundary');
  const delim = Buffer.from(`--${m[1]}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delim);
  while (at >= 0) {
    const start = at + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    const chunk = body.subarray(start, next);
    const headEnd = chunk.indexOf('\r\n\r\n');
    let data = headEnd >= 0 ? chunk.subarray(headEnd + 4) : chunk;
    if (data.subarray(-2).toString() === '\r\n') data = data.subarray(0, -2);
    parts.push(data);
    at = next;
  }
  return parts;
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const RESERVED_PREFIXES = ['_TABLE_', '_FILE_', '_PARTITION', '_ROW_TIMESTAMP', '__ROOT__', '_COLON_'];

/** BigQuery's rule for a column name, as a message, or undefined when the name is fine. */
export function fieldNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    return 'Fields must contain only letters, numbers, and underscores, start with a letter or underscore.';
  if (name.length > 300) return 'Fields must be at most 300 characters long.';
  if (RESERVED_PREFIXES.some((p) => name.toUpperCase().startsWith(p)))
    return 'Fields must not start with a reserved prefix.';
  return undefined;
}

export async function startBigQuerySim(options: BigQuerySimOptions = {}) {
  const tables = new Map<string, Record<string, unknown>[]>();
  const jobs = new Map<string, Job>();
  const requests: { method: string; path: string; status: number }[] = [];
  const pollsBeforeDone = options.pollsBeforeDone ?? 1;

  function load(job: Job, data: Buffer) {
    const load = job.configuration.load;
    const ref = load.destinationTable as
      | { projectId?: string; datasetId?: string; tableId?: string }
      | undefined;
    if (!ref?.datasetId || !ref.tableId) {
      job.error = { reason: 'invalid', message: 'configuration.load.destinationTable is required' };
      return;
    }
    const key = `${ref.datasetId}.${ref.tableId}`;
    const format = String(load.sourceFormat ?? 'CSV');
    const text = data.toString('utf8').replace(/^\uFEFF/, '');
    let rows: Record<string, unknown>[];
    try {
      if (format === 'NEWLINE_DELIMITED_JSON') {
        rows = text
          .split('\n')
          .filter((l) => l.trim())
          .map((l, i) => {
            try {
              return JSON.parse(l);
            } catch {
              throw new Error(
                `Error while reading data, error message: JSON parsing error in row starting at position ${i}`,
              );
            }
          });
      } else if (format === 'CSV') {
        const lines = text.split(/\r?\n/).filter((l) => l !== '');
        const header = parseCsvLine(lines[0] ?? '');
        const skip = Number(load.skipLeadingRows ?? 0);
        rows = lines
          .slice(skip)
          .map((l) => Object.fromEntries(parseCsvLine(l).map((v, i) => [header[i] ?? `f${i}`, v])));
      } else throw new Error(`sourceFormat ${format} is not supported by the stand-in`);
    } catch (err) {
      job.error = { reason: 'invalid', message: (err as Error).message };
      return;
    }
    // Field names as BigQuery checks them on load (case-insensitive duplicates included).
    const seen = new Map<string, string>();
    for (const r of rows)
      for (const field of Object.keys(r)) {
        const problem = fieldNameProblem(field);
        const other = seen.get(field.toLowerCase());
        if (problem || (other !== undefined && other !== field)) {
          job.error = {
            reason: 'invalid',
            message: problem
              ? `Invalid field name "${field}". ${problem}`
              : `Duplicate(Case Insensitive) field names: ${other} and ${field}`,
          };
          return;
        }
        seen.set(field.toLowerCase(), field);
      }
    const disposition = String(load.writeDisposition ?? 'WRITE_APPEND');
    const existing = tables.get(key) ?? [];
    if (disposition === 'WRITE_EMPTY' && existing.length > 0) {
      job.error = { reason: 'duplicate', message: `Already Exists: Table ${key}` };
      return;
    }
    tables.set(key, disposition === 'WRITE_TRUNCATE' ? rows : [...existing, ...rows]);
    job.outputRows = rows.length;
  }

  function jobResource(job: Job) {
    const done = job.polls >= pollsBeforeDone;
    return {
      kind: 'bigquery#job',
      id: `${job.projectId}:${job.location ?? 'US'}.${job.jobId}`,
      jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location ?? 'US' },
      configuration: job.configuration,
      status: done
        ? { state: 'DONE', ...(job.error ? { errorResult: job.error, errors: [job.error] } : {}) }
        : { state: 'RUNNING' },
      statistics: done && !job.error ? { load: { outputRows: String(job.outputRows), inputFiles: '1' } } : {},
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const url = new URL(req.url ?? '/', 'http://sim');
    const auth = req.headers.authorization ?? '';
    if (!/^Bearer \S+/.test(auth) || (options.token && auth !== `Bearer ${options.token}`))
      return apiError(res, 401, 'unauthorized', 'Request is missing required authentication credential.');
    const upload = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(url.pathname);
    if (upload && req.method === 'POST') {
      if (url.searchParams.get('uploadType') !== 'multipart')
        return apiError(res, 400, 'invalid', 'the stand-in takes uploadType=multipart only');
      const parts = multipartRelated(raw, String(req.headers['content-type'] ?? ''));
      if (parts.length < 2) return apiError(res, 400, 'invalid', 'expected the job metadata and the data');
      const meta = JSON.parse(parts[0].toString('utf8'));
      const jobId = meta.jobReference?.jobId ?? randomUUID();
      if (jobs.has(jobId))
        return apiError(res, 409, 'duplicate', `Already Exists: Job ${upload[1]}:${jobId}`);
      const job: Job = {
        projectId: decodeURIComponent(upload[1]),
        jobId,
        location: meta.jobReference?.location,
        configuration: meta.configuration,
        polls: 0,
        outputRows: 0,
      };
      jobs.set(jobId, job);
      load(job, parts[1]);
      return send(res, 200, jobResource(job));
    }
    const get = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/.exec(url.pathname);
    if (get && req.method === 'GET') {
      const job = jobs.get(decodeURIComponent(get[2]));
      if (!job) return apiError(res, 404, 'notFound', `Not found: Job ${get[1]}:${get[2]}`);
      job.polls++;
      return send(res, 200, jobResource(job));
    }
    return apiError(res, 404, 'notFound', `no route ${req.method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      res.on('finish', () =>
        requests.push({ method: req.method ?? '', path: url.pathname, status: res.statusCode }),
      );
      handle(req, res, Buffer.concat(chunks)).catch((err) =>
        apiError(res, 500, 'internalError', String(err)),
      );
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** rows loaded into `dataset.table` */
    rows: (dataset: string, table: string) => tables.get(`${dataset}.${table}`) ?? [],
    jobs: () => [...jobs.values()].map((j) => ({ jobId: j.jobId, outputRows: j.outputRows, error: j.error })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type BigQuerySim = Awaited<ReturnType<typeof startBigQuerySim>>;
