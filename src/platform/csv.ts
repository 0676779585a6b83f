/**
 * The one CSV (and NDJSON) writer: RFC 4180 quoting, CRLF lines, an optional byte-order mark so
 * spreadsheet programs read Korean and Chinese right, and text cells that start like a formula
 * (= + - @, tab, CR) prefixed with a quote so a spreadsheet shows them instead of running them.
 */

export type Cell = string | number | boolean | null | undefined | Date;
export type Row = Record<string, Cell>;

export type CsvOptions = {
  /** column order (and selection); default: the keys of the first row, then any new keys in order */
  columns?: string[];
  /** a UTF-8 byte-order mark, so spreadsheet programs read Chinese and Korean right; default false */
  bom?: boolean;
  /**
   * Prefix text cells starting with = + - @ (tab, CR) with a quote, so a spreadsheet does not run
   * them as formulas; default true. Numbers are left alone.
   */
  guardFormulas?: boolean;
  /** line ending, default CRLF (RFC 4180) */
  eol?: '\r\n' | '\n';
};

function cellText(v: Cell): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function csvField(v: Cell, guard: boolean): string {
  let s = cellText(v);
  if (guard && typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** RFC 4180 CSV of objects, with a header line. */
export function toCsv(rows: readonly Row[], opts: CsvOptions = {}): string {
  const columns = opts.columns ?? columnsOf(rows);
  const guard = opts.guardFormulas ?? true;
  const eol = opts.eol ?? '\r\n';
  const lines = [columns.map((c) => csvField(c, false)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c], guard)).join(','));
  return (opts.bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

/** Newline-delimited JSON (one object per line), as BigQuery's NEWLINE_DELIMITED_JSON loads it. */
export function toNdjson(rows: readonly Row[]): string {
  return rows
    .map(
      (r) =>
        `${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : (v ?? null)])))}\n`,
    )
    .join('');
}

/** Streams rows as CSV or NDJSON lines, for exports too big to build in memory. */
export async function* lines(
  rows: AsyncIterable<Row> | Iterable<Row>,
  format: 'csv' | 'ndjson',
  opts: CsvOptions & { columns?: string[] } = {},
): AsyncGenerator<string> {
  let columns = opts.columns;
  const eol = opts.eol ?? '\r\n';
  const guard = opts.guardFormulas ?? true;
  let first = true;
  for await (const r of rows) {
    if (format === 'ndjson') {
      yield toNdjson([r]);
      continue;
    }
    if (first) {
      columns ??= Object.keys(r);
      yield (opts.bom ? '\uFEFF' : '') + columns.map((c) => csvField(c, false)).join(',') + eol;
      first = false;
    }
    yield (columns as string[]).map((c) => csvField(r[c], guard)).join(',') + eol;
  }
}

/** RFC 4180 CSV of a header and rows of cells, with a byte-order mark for spreadsheet programs. */
export function csvTable(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  opts: { bom?: boolean } = {},
): string {
  const lines = [header.map((c) => csvField(c, false)), ...rows.map((r) => r.map((c) => csvField(c, true)))];
  return `${opts.bom === false ? '' : '\uFEFF'}${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}
